"""How fast the Dagster UI shows statuses on a built instance (a benchmark, not a test).

Starts ``dagster-webserver`` (no daemon: the pages only read) on 127.0.0.1 and a free port against
DAGSTER_HOME (``--home``, else $DAGSTER_HOME, else the project's ``dagster_home/``; NBA_DUCKDB_PATH,
NBA_MODEL_DIR, NBA_RAW_DIR are read as usual), waits for the code location, then times in headless
Chromium, from navigation until the statuses are rendered (not just the shell), the global asset
lineage, the catalog, an asset's overview, Checks tab, Partitions tab and metadata Plots: each page
cold (its first visit since the server started), then warm. Prints a table; screenshots,
results.json and the server log go to artifacts/ui_benchmark/. Stops the server and all it
started, also on Ctrl-C or SIGTERM. The webserver writes to DAGSTER_HOME (SQLite WAL files, logs,
the intro flag): point it at a copy (``cp -a``) of an instance that must stay untouched.

    .venv/bin/python benchmarks/ui_benchmark.py [--home DIR] [--timeout S]

Needs chromium, chromedriver (or CHROME_BIN, CHROMEDRIVER) and selenium (pip install -e ".[e2e]").
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
import time
import urllib.request
import uuid
from contextlib import suppress
from pathlib import Path
from typing import IO

PROJECT = Path(__file__).resolve().parent.parent
ARTIFACTS = PROJECT / "artifacts" / "ui_benchmark"
MARKER = "NBA_UI_BENCHMARK_TOKEN"  # set on the webserver, inherited by the code server it starts
ASSET = "nba_analytics/player_game_summary"
PARTITIONS_TAB = "/assets/nba_ml/prediction_results?view=partitions"
# the market evaluation's weekly charts: SVG images in its markdown metadata, loaded and drawn
MARKET_CHARTS_JS = """return [...document.images].filter(i => i.src.startsWith('data:image/svg+xml')
  && i.complete && i.naturalWidth > 0).length;"""
GROUPS = ("nba_raw", "nba_analytics", "nba_precompute", "nba_ml")
CHECK_STATUS = "Succeeded|Failed|Skipped|In progress|Not evaluated"  # the Checks tab's list
PLOTS_BUTTON = "//button[normalize-space(.)='Plots']"  # overview > Metadata > Table | Plots
LOCATIONS_QUERY = """{ workspaceOrError { ... on Workspace { locationEntries { name loadStatus
    locationOrLoadError { __typename ... on PythonError { message } } } } } }"""
COUNTS_QUERY = """query($key: AssetKeyInput!) { assetNodes { isPartitioned } assetNodeOrError(
    assetKey: $key) { ... on AssetNode { assetChecksOrError { ... on AssetChecks { checks { name }
    } } } } }"""
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
# The page's slowest GraphQL request, from the browser's resource timings (URLs end in ?op=Name).
SLOWEST_GRAPHQL_JS = """const r = performance.getEntriesByType('resource')
  .filter(e => e.name.includes('/graphql')).sort((a, b) => b.duration - a.duration)[0];
  return r ? `${r.name.split('op=')[1]} ${(r.duration / 1000).toFixed(2)} s` : '-';"""


def gql(url: str, query: str, variables: dict | None = None, timeout: float = 60) -> dict:
    body = json.dumps({"query": query, "variables": variables or {}}).encode()
    request = urllib.request.Request(f"{url}/graphql", body, {"Content-Type": "application/json"})
    with urllib.request.urlopen(request, timeout=timeout) as response:
        payload = json.load(response)
    if payload.get("errors"):
        raise RuntimeError(f"GraphQL errors: {payload['errors']}")
    return payload["data"]


def marked_pids(token: str) -> list[int]:
    """Live processes whose environment holds MARKER=token: everything this script started."""
    needle, found = f"{MARKER}={token}".encode(), []
    for entry in Path("/proc").iterdir():
        with suppress(OSError):
            if entry.name.isdigit() and int(entry.name) != os.getpid():
                state = (entry / "stat").read_text().rsplit(")", 1)[1].split()[0]
                if state not in "ZX" and needle in (entry / "environ").read_bytes().split(b"\0"):
                    found.append(int(entry.name))
    return found


def stop(process: subprocess.Popen, token: str) -> None:
    """SIGTERM the server's process group, then SIGKILL it, then kill marked stragglers."""
    for sig in (signal.SIGTERM, signal.SIGKILL):
        with suppress(ProcessLookupError, subprocess.TimeoutExpired):
            os.killpg(process.pid, sig)  # the server leads its own session: pgid == pid
            process.wait(timeout=30)
        deadline = time.monotonic() + 10
        while marked_pids(token) and time.monotonic() < deadline:  # children shutting down
            time.sleep(0.3)
    deadline = time.monotonic() + 15
    while (left := marked_pids(token)) and time.monotonic() < deadline:  # left the group
        for pid in left:
            with suppress(ProcessLookupError):
                os.kill(pid, signal.SIGKILL)
        time.sleep(0.2)
    if left := marked_pids(token):
        print(f"WARNING: processes still running after teardown: {left}", file=sys.stderr)


def wait_until_loaded(url: str, process: subprocess.Popen, timeout: float = 180) -> None:
    """Until every code location is LOADED; a load error or a dead server stops the script."""
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline and process.poll() is None:
        with suppress(OSError):  # not listening yet
            entries = gql(url, LOCATIONS_QUERY, timeout=10)["workspaceOrError"]["locationEntries"]
            for entry in entries:
                if (entry["locationOrLoadError"] or {}).get("__typename") == "PythonError":
                    raise SystemExit(f"{entry['name']}: {entry['locationOrLoadError']['message']}")
            if entries and all(entry["loadStatus"] == "LOADED" for entry in entries):
                return
        time.sleep(1)
    raise SystemExit(f"code location not loaded (server exit code {process.poll()}): see its log")


def browser():
    from selenium import webdriver
    from selenium.webdriver.chrome.service import Service

    options = webdriver.ChromeOptions()
    options.binary_location = os.environ.get("CHROME_BIN") or shutil.which("chromium") or ""
    for arg in ("--headless=new", "--no-sandbox", "--disable-dev-shm-usage", "--disable-gpu"):
        options.add_argument(arg)
    options.add_argument("--window-size=1920,1500")
    driver_path = os.environ.get("CHROMEDRIVER") or shutil.which("chromedriver")
    driver = webdriver.Chrome(service=Service(executable_path=driver_path), options=options)
    driver.set_page_load_timeout(60)
    return driver


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

    def market(d, text):
        if "Latest materialization" not in text:
            return False
        for button in d.find_elements(By.XPATH, "//*[normalize-space(text())='[Show Markdown]']"):
            d.execute_script("arguments[0].click();", button)  # the evaluation's markdown
        return d.execute_script(MARKET_CHARTS_JS) >= 2

    expanded = ",".join(f"global@global:{g}" for g in GROUPS)
    return [
        ("lineage", f"/asset-groups?expanded={expanded}", lineage, f"{n_assets} nodes coloured"),
        ("catalog", "/assets", catalog, f"'N partitions' on {n_partitioned} rows, no Loading"),
        ("overview", f"/assets/{ASSET}", overview, "latest materialization + check counts"),
        ("checks tab", f"/assets/{ASSET}?view=checks", checks_tab, f"{len(checks)} check statuses"),
        ("partitions tab", PARTITIONS_TAB, partitions, "health bar: counts sum to N selected"),
        ("plots", f"/assets/{ASSET}", plots, "Metadata > Plots clicked: a plot with points"),
        ("market", "/assets/nba_ml/market_evaluation", market, "the 2 weekly charts drawn"),
    ]


def measure(driver, url: str, page: tuple, run: str, timeout: float) -> dict:
    """Seconds from navigation until ready (None: timed out), then a screenshot."""
    from selenium.common.exceptions import WebDriverException
    from selenium.webdriver.common.by import By

    name, path, ready, what = page
    driver.get("about:blank")
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
    result["slowest_graphql"] = driver.execute_script(SLOWEST_GRAPHQL_JS)
    time.sleep(1)  # the plots animate in: let them finish before the pixel count and screenshot
    if name == "plots":
        result["plot_pixels"] = driver.execute_script(PLOT_PIXELS_JS)
    driver.save_screenshot(str(ARTIFACTS / f"{name.replace(' ', '_')}_{run}.png"))
    return result


def start_webserver(home: Path) -> tuple[subprocess.Popen, str, str, IO]:
    """dagster-webserver in its own session, every process marked; (process, url, token, log)."""
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        port, token = sock.getsockname()[1], uuid.uuid4().hex
    env = {**os.environ, "DAGSTER_HOME": str(home), "PYTHONUNBUFFERED": "1", MARKER: token}
    webserver = str(Path(sys.executable).parent / "dagster-webserver")
    command = [webserver, "-w", "workspace.yaml", "-h", "127.0.0.1", "-p", str(port)]
    log = open(ARTIFACTS / "webserver.log", "w")
    process = subprocess.Popen(
        [sys.executable, "-c", WRAPPER, *command],
        cwd=PROJECT,
        env=env,
        stdin=subprocess.DEVNULL,
        stdout=log,
        stderr=subprocess.STDOUT,
        start_new_session=True,
    )
    return process, f"http://127.0.0.1:{port}", token, log


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    default_home = Path(os.environ.get("DAGSTER_HOME") or PROJECT / "dagster_home")
    parser.add_argument("--home", type=Path, default=default_home, help="DAGSTER_HOME")
    parser.add_argument("--timeout", type=float, default=120, help="seconds per page")
    args = parser.parse_args()
    ARTIFACTS.mkdir(parents=True, exist_ok=True)
    for old in ARTIFACTS.glob("*.png"):
        old.unlink()
    signal.signal(signal.SIGTERM, signal.default_int_handler)  # the finally below stops it all
    home = args.home.resolve()
    process, url, token, log = start_webserver(home)
    driver, results = None, []
    try:
        started = time.monotonic()
        wait_until_loaded(url, process)
        print(f"{home}: code location loaded after {time.monotonic() - started:.0f} s ({url})")
        gql(url, "mutation { setNuxSeen }")  # no "Join the Dagster community" modal
        data = gql(url, COUNTS_QUERY, {"key": {"path": ASSET.split("/")}})
        checks = [c["name"] for c in data["assetNodeOrError"]["assetChecksOrError"]["checks"]]
        partitioned = [node["isPartitioned"] for node in data["assetNodes"]]
        todo = pages(len(partitioned), sum(partitioned), checks)
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
    try:
        main()
    except KeyboardInterrupt:
        sys.exit("interrupted: the server and the browser were stopped")
