"""How fast the Dagster UI shows statuses on a built instance: a benchmark, not a test.

Starts ``dagster-webserver`` (no daemon: the pages are read-only) on 127.0.0.1 and a free port
against DAGSTER_HOME (``--home``, else $DAGSTER_HOME, else the project's ``dagster_home/``; the
code location reads NBA_DUCKDB_PATH, NBA_MODEL_DIR and NBA_RAW_DIR as usual) and waits until
the code location is loaded. Then headless Chromium times each page from navigation until its
statuses are rendered, not just the shell: the global asset lineage, the catalog, an asset's
overview, its Checks tab, a Partitions tab and the overview's per-partition metadata Plots.
Each page runs twice: cold (its first visit since the server started; the app's JavaScript is
loaded once before) and warm. Prints a table with the slowest GraphQL request of each cold
visit; screenshots, ``results.json`` and the server log go to ``artifacts/ui_benchmark/``. The
server and every process it started are stopped at the end, also on Ctrl-C or SIGTERM.

The webserver writes to DAGSTER_HOME (SQLite WAL files, logs, the "seen the intro" flag):
``--copy`` runs against a temporary copy of the instance, the warehouse and the model folder.

    .venv/bin/python benchmarks/ui_benchmark.py [--home DIR] [--copy] [--timeout S]

Needs chromium + chromedriver (CHROME_BIN / CHROMEDRIVER override) and selenium
(``.venv/bin/pip install -e ".[e2e]"``).
"""

from __future__ import annotations

import argparse
import json
import os
import re
import shutil
import signal
import socket
import subprocess
import sys
import tempfile
import time
import urllib.request
import uuid
from pathlib import Path

PROJECT = Path(__file__).resolve().parent.parent
ARTIFACTS = PROJECT / "artifacts" / "ui_benchmark"
MARKER = "NBA_UI_BENCHMARK_TOKEN"  # set on the webserver, inherited by the code server it starts
ASSET = "nba_analytics/player_game_summary"
PARTITIONS_OF = "nba_ml/prediction_results"  # the asset whose Partitions tab is timed
GROUPS = ("nba_raw", "nba_analytics", "nba_precompute", "nba_ml")
CHECK_STATUS = "Succeeded|Failed|Skipped|In progress|Not evaluated"  # the Checks tab's list
PLOTS_BUTTON = "//button[normalize-space(.)='Plots']"  # overview > Metadata > Table | Plots
CHECKS_QUERY = """query($key: AssetKeyInput!) { assetNodeOrError(assetKey: $key) {
    ... on AssetNode { assetChecksOrError { ... on AssetChecks { checks { name } } } } } }"""
# Restores default SIGINT/SIGTERM (ignored when started from a background job), then execs.
WRAPPER = (
    "import os, signal, sys; signal.signal(signal.SIGINT, signal.SIG_DFL); "
    "signal.signal(signal.SIGTERM, signal.SIG_DFL); os.execv(sys.argv[1], sys.argv[1:])"
)
# Per canvas, the pixels in the plot line's blue-violet: a drawn plot, not an empty frame (the
# grid and the axis labels are grey).
PLOT_PIXELS_JS = """return [...document.querySelectorAll('canvas')].map(c => {
  if (!c.width || !c.height) return 0;
  const d = c.getContext('2d').getImageData(0, 0, c.width, c.height).data; let n = 0;
  for (let i = 0; i < d.length; i += 4)
    if (d[i + 3] > 200 && d[i + 2] > 170 && d[i] < 150 && d[i + 1] < 130) n++;
  return n; });"""


def gql(url: str, query: str, variables: dict | None = None, timeout: float = 60) -> dict:
    body = json.dumps({"query": query, "variables": variables or {}}).encode()
    request = urllib.request.Request(f"{url}/graphql", body, {"Content-Type": "application/json"})
    with urllib.request.urlopen(request, timeout=timeout) as response:
        payload = json.load(response)
    if payload.get("errors"):
        raise RuntimeError(f"GraphQL errors: {payload['errors']}")
    return payload["data"]


def interrupt(signum, frame):
    raise KeyboardInterrupt(f"signal {signum}")  # SIGTERM runs the finally that stops it all


def marked_pids(token: str) -> list[int]:
    """Live processes whose environment holds MARKER=token: everything this script started."""
    needle, found = f"{MARKER}={token}".encode(), []
    for entry in Path("/proc").iterdir():
        try:
            if entry.name.isdigit() and int(entry.name) != os.getpid():
                state = (entry / "stat").read_text().rsplit(")", 1)[1].split()[0]
                if state not in "ZX" and needle in (entry / "environ").read_bytes().split(b"\0"):
                    found.append(int(entry.name))
        except OSError:
            continue
    return found


def stop(process: subprocess.Popen, token: str) -> None:
    """SIGTERM the server's process group, then SIGKILL it, then kill marked stragglers."""
    for sig, seconds in ((signal.SIGTERM, 30), (signal.SIGKILL, 10)):
        try:
            os.killpg(process.pid, sig)  # the server leads its own session: pgid == pid
            process.wait(timeout=seconds)
        except (ProcessLookupError, subprocess.TimeoutExpired):
            pass
        deadline = time.monotonic() + 10
        while marked_pids(token) and time.monotonic() < deadline:
            time.sleep(0.3)
    deadline = time.monotonic() + 15
    while (left := marked_pids(token)) and time.monotonic() < deadline:
        for pid in left:
            try:
                os.kill(pid, signal.SIGKILL)
            except ProcessLookupError:
                pass
        time.sleep(0.2)
    if left := marked_pids(token):
        print(f"WARNING: processes still running after teardown: {left}", file=sys.stderr)


def wait_until_loaded(url: str, process: subprocess.Popen, timeout: float = 180) -> None:
    query = """{ workspaceOrError { ... on Workspace { locationEntries { name loadStatus
        locationOrLoadError { __typename ... on PythonError { message } } } } } }"""
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if process.poll() is not None:
            raise SystemExit(f"dagster-webserver exited ({process.returncode}), see its log")
        try:
            for entry in gql(url, query, timeout=10)["workspaceOrError"]["locationEntries"]:
                loaded = entry["locationOrLoadError"] or {}
                if loaded.get("__typename") == "PythonError":
                    raise SystemExit(f"code location {entry['name']}: {loaded['message']}")
                if entry["loadStatus"] == "LOADED" and loaded["__typename"] == "RepositoryLocation":
                    return
        except OSError:
            pass
        time.sleep(1)
    raise SystemExit(f"code location not loaded after {timeout:.0f} s")


def browser():
    from selenium import webdriver
    from selenium.webdriver.chrome.service import Service

    options = webdriver.ChromeOptions()
    options.binary_location = os.environ.get("CHROME_BIN") or shutil.which("chromium") or ""
    for arg in ("--headless=new", "--no-sandbox", "--disable-dev-shm-usage", "--disable-gpu"):
        options.add_argument(arg)
    options.add_argument("--window-size=1920,1500")
    options.set_capability("goog:loggingPrefs", {"performance": "ALL"})  # GraphQL timings
    driver_path = os.environ.get("CHROMEDRIVER") or shutil.which("chromedriver")
    driver = webdriver.Chrome(service=Service(executable_path=driver_path), options=options)
    driver.set_page_load_timeout(60)
    return driver


def slowest_graphql(driver) -> str:
    """The slowest /graphql request since the last call (reading drains the browser's log)."""
    started, took = {}, {}
    for entry in driver.get_log("performance"):
        msg = json.loads(entry["message"])["message"]
        params = msg["params"]
        if msg["method"] == "Network.requestWillBeSent" and "/graphql" in params["request"]["url"]:
            started[params["requestId"]] = (params["request"]["url"], params["timestamp"])
        elif msg["method"] == "Network.loadingFinished" and params["requestId"] in started:
            url, t0 = started[params["requestId"]]
            op = url.partition("op=")[2] or "?"
            took[op] = max(took.get(op, 0.0), params["timestamp"] - t0)
    seconds, op = max(((t, op) for op, t in took.items()), default=(0.0, "-"))
    return f"{op} {seconds:.2f} s"


def pages(n_assets: int, n_partitioned: int, checks: list[str]) -> list[tuple]:
    """(name, path, ready(driver, body text) -> bool, what ready waits for) of each page."""
    from selenium.webdriver.common.by import By

    def lineage(d, text):
        boxes = d.find_elements(By.CSS_SELECTOR, "[class*='minimalAssetNodeBox']")
        if boxes:  # zoomed out: the status is the node's colour; grey border while loading
            loading = [b for b in boxes if "border-default" in (b.get_attribute("style") or "")]
            return len(boxes) == n_assets and not loading
        return catalog(d, text)  # zoomed in: "N partitions" on each node

    def catalog(_, text):
        counts = re.findall(r"(?m)^\d+ partitions$", text)
        return "Loading" not in text and len(counts) == n_partitioned

    def overview(_, text):
        latest = re.search(r"Latest materialization\n(Never materialized|.* ago)\n", text)
        return latest and re.search(r"Latest check results\n\d", text)

    def checks_tab(_, text):
        statuses = [re.search(rf"(?m)^{re.escape(c)}\n({CHECK_STATUS})$", text) for c in checks]
        return f"Checks ({len(checks)})" in text and all(statuses)

    def partitions(_, text):
        total = re.search(r"(\d+) Partitions Selected", text)
        counts = re.findall(r"(?:Failed|Materialized|Materializing|Missing) \((\d+)\)", text)
        return total and len(counts) == 4 and sum(map(int, counts)) == int(total[1]) > 0

    def plots(d, text):
        if "Loading plots" in text or "Latest materialization" not in text:
            return False
        for button in d.find_elements(By.XPATH, PLOTS_BUTTON):
            if button.get_attribute("aria-selected") != "true":
                d.execute_script("arguments[0].scrollIntoView({block: 'center'});", button)
                d.execute_script("arguments[0].click();", button)
                return False
            empty = "Asset plots are automatically generated" in text  # no numeric metadata
            return empty or max(d.execute_script(PLOT_PIXELS_JS), default=0) > 0
        return False

    expanded = ",".join(f"global@global:{g}" for g in GROUPS)
    return [
        ("lineage", f"/asset-groups?expanded={expanded}", lineage, f"{n_assets} nodes coloured"),
        ("catalog", "/assets", catalog, f"'N partitions' on {n_partitioned} rows, no Loading"),
        ("overview", f"/assets/{ASSET}", overview, "latest materialization + check counts"),
        ("checks tab", f"/assets/{ASSET}?view=checks", checks_tab, f"{len(checks)} check statuses"),
        (
            "partitions tab",
            f"/assets/{PARTITIONS_OF}?view=partitions",
            partitions,
            "counts sum to N",
        ),
        ("plots", f"/assets/{ASSET}", plots, "Metadata > Plots clicked: a plot with points"),
    ]


def measure(driver, url: str, page: tuple, run: str, timeout: float) -> dict:
    """Seconds from navigation until ready (None: timed out), then a screenshot."""
    from selenium.common.exceptions import WebDriverException
    from selenium.webdriver.common.by import By

    name, path, ready, what = page
    driver.get("about:blank")
    driver.get_log("performance")  # drain
    started, seconds = time.monotonic(), None
    driver.get(url + path)
    while seconds is None and time.monotonic() - started < timeout:
        try:
            if ready(driver, driver.find_element(By.TAG_NAME, "body").text):
                seconds = round(time.monotonic() - started, 2)
        except WebDriverException:  # an element re-rendered under us: look again
            pass
        time.sleep(0.1)
    result = {"run": run, "page": name, "seconds": seconds, "waited_for": what}
    result["slowest_graphql"] = slowest_graphql(driver)
    time.sleep(1)  # the plots animate in: let them finish before the pixel count and screenshot
    if name == "plots":
        result["plot_pixels"] = driver.execute_script(PLOT_PIXELS_JS)
    driver.save_screenshot(str(ARTIFACTS / f"{name.replace(' ', '_')}_{run}.png"))
    return result


def copy_instance(home: Path, scratch: Path) -> Path:
    """home, the warehouse and the model folder into scratch; the environment points there."""
    sys.path.insert(0, str(PROJECT))
    from resources.model_store import default_model_dir
    from resources.warehouse import default_duckdb_path

    shutil.copytree(home, scratch / "home")
    sources = {"NBA_DUCKDB_PATH": default_duckdb_path(), "NBA_MODEL_DIR": default_model_dir()}
    for var, source in sources.items():
        target = scratch / Path(source).name
        if Path(source).is_dir():
            shutil.copytree(source, target)
        elif Path(source).exists():
            shutil.copy2(source, target)
        os.environ[var] = str(target)
    return scratch / "home"


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    default_home = Path(os.environ.get("DAGSTER_HOME") or PROJECT / "dagster_home")
    parser.add_argument("--home", type=Path, default=default_home, help="DAGSTER_HOME")
    parser.add_argument("--copy", action="store_true", help="run against a temporary copy")
    parser.add_argument("--timeout", type=float, default=120, help="seconds per page")
    args = parser.parse_args()
    ARTIFACTS.mkdir(parents=True, exist_ok=True)
    for old in ARTIFACTS.glob("*.png"):
        old.unlink()
    signal.signal(signal.SIGTERM, interrupt)
    scratch = Path(tempfile.mkdtemp(prefix="nba-ui-bench-")) if args.copy else None
    home = copy_instance(args.home.resolve(), scratch) if scratch else args.home.resolve()
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        port, token = s.getsockname()[1], uuid.uuid4().hex
    url = f"http://127.0.0.1:{port}"
    env = {**os.environ, "DAGSTER_HOME": str(home), "PYTHONUNBUFFERED": "1", MARKER: token}
    webserver = str(Path(sys.executable).parent / "dagster-webserver")
    command = [webserver, "-w", "workspace.yaml", "-h", "127.0.0.1", "-p", str(port)]
    log = open(ARTIFACTS / "webserver.log", "w")
    process = subprocess.Popen(
        [sys.executable, "-c", WRAPPER, *command],
        **dict(cwd=PROJECT, env=env, stdin=subprocess.DEVNULL, start_new_session=True),
        **dict(stdout=log, stderr=subprocess.STDOUT),
    )
    driver, results = None, []
    try:
        started = time.monotonic()
        wait_until_loaded(url, process)
        print(f"{home}: code location loaded after {time.monotonic() - started:.0f} s ({url})")
        gql(url, "mutation { setNuxSeen }")  # no "Join the Dagster community" modal
        nodes = gql(url, "{ assetNodes { isPartitioned } }")["assetNodes"]
        checks = gql(url, CHECKS_QUERY, {"key": {"path": ASSET.split("/")}})["assetNodeOrError"]
        checks = [c["name"] for c in checks["assetChecksOrError"]["checks"]]
        todo = pages(len(nodes), sum(n["isPartitioned"] for n in nodes), checks)
        driver = browser()
        driver.get(f"{url}/locations")  # loads the app's JavaScript once, before the cold runs
        time.sleep(3)
        for run in ("cold", "warm"):
            for page in todo:
                results.append(measure(driver, url, page, run, args.timeout))
                print(f"  {run} {page[0]:15} {results[-1]['seconds']} s", flush=True)
    finally:
        if driver is not None:
            driver.quit()
        stop(process, token)
        log.close()
        if scratch:
            shutil.rmtree(scratch, ignore_errors=True)
    (ARTIFACTS / "results.json").write_text(json.dumps(results, indent=1))
    by = {(r["run"], r["page"]): r for r in results}
    print(f"\n{'page':15} {'cold s':>7} {'warm s':>7}  {'slowest GraphQL (cold)':33} waited for")
    for name, *_, what in todo:
        cold, warm = (by[(run, name)]["seconds"] for run in ("cold", "warm"))
        cold, warm = ("timeout" if s is None else f"{s:.1f}" for s in (cold, warm))
        print(f"{name:15} {cold:>7} {warm:>7}  {by[('cold', name)]['slowest_graphql']:33} {what}")
    pixels = by[("cold", "plots")].get("plot_pixels", [])
    print(f"\nplots with points: {sum(p > 0 for p in pixels)} of {len(pixels)} (pixels {pixels})")
    print(f"screenshots, results.json, webserver.log: {ARTIFACTS}")


if __name__ == "__main__":
    main()
