"""End to end through the Dagster UI: asset graph, a backfill launched from the UI, per-date checks.

Against a real ``dagster dev`` (webserver + daemon + code server, see ``conftest.py``) whose raw
folder holds four real game dates, a headless Chromium:

1. opens the asset lineage of the ``nba_raw`` and ``nba_analytics`` groups (both expanded, less
   the prop lines' consensus, which reads a pre-game table) and finds every table of the
   selection, ``player_game_summary`` included;
2. launches the backfill the way the README describes it: *Materialize all…* → the game dates
   (*All* of the four registered dates) → *Launch backfill*; the toast names the backfill, and the
   webserver's GraphQL confirms its partitions and its seven assets;
3. waits for the daemon to finish it (GraphQL ``partitionBackfillOrError``), then opens the
   backfill's page and finds every asset 100% completed with 4 partitions succeeded;
4. opens ``player_game_summary``'s Checks tab: every check is listed as Succeeded, the
   execution history of ``coverage`` has a Passed row for each date, the Partitions tab counts
   4 passed; GraphQL confirms one recorded execution per check and per date on all seven assets
   (blocking checks passed), each naming the materialization it checked;
5. opens ``player_game_summary``'s overview and switches its Metadata section to *Plots*
   (by partition): every numeric metadata entry of the materializations (GraphQL) has a plot
   whose x axis names the four dates, with one point per date carrying that date's value, drawn
   on the canvas (``dagster/partition_row_count`` among them);
6. (a test of its own, on the same server) finds on that overview the columns with their
   descriptions (``usage_rate``'s, as the contract words it) and the table's owner.

Screenshots: ``artifacts/e2e/01_asset_graph.png`` … ``08_column_descriptions.png``.
Run: ``make e2e`` or ``.venv/bin/python -m pytest -q tests/e2e -p no:cacheprovider``.
"""

from __future__ import annotations

import re
import time
from urllib.parse import quote

import pytest

# the raw and analytics tables, but the prop lines' consensus (it reads the expected rosters, a
# pre-game table, and would wait for them)
SELECTION = (
    '(group:nba_raw or group:nba_analytics) and not key:"nba_analytics/prop_lines_consensus"'
)
ASSETS = [
    ("nba_raw", "player_boxscores"),
    ("nba_raw", "prop_lines"),
    ("nba_raw", "team_boxscores"),
    ("nba_raw", "schedule"),
    ("nba_raw", "shots"),
    ("nba_analytics", "team_offense_game_summary"),
    ("nba_analytics", "player_game_summary"),
]
BACKFILL_TIMEOUT = 180.0
RUNNING = {"REQUESTED", "CANCELING", "FAILING"}
PLOTTED = ("nba_analytics", "player_game_summary")  # the asset whose metadata plots are checked
ROW_COUNT = "dagster/partition_row_count"  # one of its numeric metadata entries, per partition
PLOTS_BUTTON = "//button[normalize-space(.)='Plots']"  # overview > Metadata > Table | Plots
# Each metadata plot is a Chart.js line chart on a <canvas>: its points and x-axis labels exist
# only as pixels. react-chartjs-2 keeps the Chart.js instance in a ref of the component that
# renders the canvas, reached through React's fiber of the canvas; from it come the x-axis tick
# labels as drawn and each point's position, and the canvas itself tells whether the line's
# blue-violet is painted around that position (the grid and the labels are grey).
PLOTS_JS = """const chartOf = canvas => {
  const key = Object.keys(canvas).find(k => k.startsWith('__reactFiber$'));
  for (let fiber = key && canvas[key]; fiber; fiber = fiber.return)
    for (let h = fiber.memoizedState; h && typeof h === 'object' && 'next' in h; h = h.next) {
      const chart = h.memoizedState && h.memoizedState.current;
      if (chart && chart.canvas === canvas && chart.getDatasetMeta) return chart;
    }
  return null;
};
const blue = (d, i) => d[i + 3] > 200 && d[i + 2] > 170 && d[i] < 150 && d[i + 1] < 130;
return [...document.querySelectorAll('canvas')].flatMap(canvas => {
  const chart = chartOf(canvas);
  if (!chart || !canvas.width || !canvas.height || !chart.chartArea) return [];
  const r = chart.currentDevicePixelRatio || 1, area = chart.chartArea;
  const image = canvas.getContext('2d').getImageData(0, 0, canvas.width, canvas.height).data;
  const painted = (x, y) => {  // line-coloured pixels in the 7x7 square around (x, y)
    let n = 0;
    for (let dy = -3; dy <= 3; dy++) for (let dx = -3; dx <= 3; dx++) {
      const px = Math.round(x * r) + dx, py = Math.round(y * r) + dy;
      if (px >= 0 && py >= 0 && px < canvas.width && py < canvas.height)
        n += blue(image, (py * canvas.width + px) * 4) ? 1 : 0;
    }
    return n;
  };
  const dataset = chart.data.datasets[0];
  const points = chart.getDatasetMeta(0).data.map((p, i) => ({
    value: dataset.data[i].y, skip: !!p.skip, pixels: painted(p.x, p.y),
    inside: p.x >= area.left - 1 && p.x <= area.right + 1 && p.y >= area.top - 1
      && p.y <= area.bottom + 1}));
  let total = 0;
  for (let i = 0; i < image.length; i += 4) total += blue(image, i) ? 1 : 0;
  return [{label: dataset.label, axis: chart.options.scales.x.title.text, total, points,
    ticks: chart.scales.x.ticks.map(t => t.label)}];
});"""


# --------------------------------------------------------------------------------------- helpers
def _by():
    from selenium.webdriver.common.by import By

    return By


def wait_for(driver, condition, timeout: float, what: str):
    """WebDriverWait with a readable failure naming what was awaited and where."""
    from selenium.common.exceptions import TimeoutException
    from selenium.webdriver.support.ui import WebDriverWait

    try:
        return WebDriverWait(driver, timeout, poll_frequency=0.25).until(condition)
    except TimeoutException:
        body = driver.find_element(_by().TAG_NAME, "body").text[-1500:]
        pytest.fail(
            f"timed out after {timeout:.0f} s waiting for {what} on {driver.current_url}\n"
            f"page text:\n{body}"
        )


def body_text(driver) -> str:
    return driver.find_element(_by().TAG_NAME, "body").text


def text_present(*texts: str):
    return lambda d: all(t in body_text(d) for t in texts)


def dismiss_community_modal(driver) -> None:
    """The 'Join the Dagster community' modal (already marked seen via GraphQL; this is a guard)."""
    for button in driver.find_elements(_by().XPATH, "//button[normalize-space(.)='Skip']"):
        if button.is_displayed():
            button.click()


def shot(driver, artifacts, name: str) -> None:
    driver.save_screenshot(str(artifacts / name))


def displayed(driver, xpath: str) -> list:
    return [e for e in driver.find_elements(_by().XPATH, xpath) if e.is_displayed()]


# ------------------------------------------------------------------------------------------ test
def test_backfill_from_the_ui_materializes_every_date_and_shows_per_date_checks(
    dagster_dev, browser, artifacts
):
    driver, dev, By = browser, dagster_dev, _by()
    dates = dev.dates
    started = time.monotonic()

    # 1. The asset graph of the two groups, expanded: every table is a node.
    expanded = ",".join(f"global@global:{g}" for g in ("nba_raw", "nba_analytics"))
    driver.get(f"{dev.url}/asset-groups~{quote(SELECTION, safe='')}?expanded={quote(expanded)}")
    names = [name for _, name in ASSETS]
    wait_for(driver, text_present("Global asset lineage", *names), 60, f"graph nodes {names}")
    dismiss_community_modal(driver)
    assert displayed(driver, "//*[normalize-space(text())='player_game_summary']"), (
        "player_game_summary node not visible"
    )
    wait_for(
        driver,
        lambda d: body_text(d).count(f"{len(dates)} partitions") == len(ASSETS)
        and "Loading..." not in body_text(d),
        60,
        f"'{len(dates)} partitions' (the raw folder's dates) on all {len(ASSETS)} nodes",
    )
    shot(driver, artifacts, "01_asset_graph.png")

    # 2. Launch the backfill from the UI: Materialize all… → the game dates (dynamic partitions:
    #    "All" of the registered dates) → Launch backfill.
    displayed(driver, "//button[contains(normalize-space(.), 'Materialize all')]")[0].click()
    dialog = wait_for(
        driver,
        lambda d: next(iter(displayed(d, "//*[@role='dialog']")), False),
        30,
        "the launch dialog",
    )
    wait_for(
        driver,
        lambda d: f"Launch runs to materialize {len(ASSETS)} assets" in dialog.text,
        30,
        f"'materialize {len(ASSETS)} assets' title",
    )
    dialog.find_element(By.XPATH, ".//button[normalize-space(.)='All']").click()
    wait_for(
        driver,
        lambda d: f"{len(dates)} partitions" in dialog.text,
        30,
        f"'{len(dates)} partitions' selected",
    )
    shot(driver, artifacts, "02_launch_backfill_dialog.png")
    dialog.find_element(By.XPATH, ".//button[normalize-space(.)='Launch backfill']").click()
    toast = wait_for(
        driver,
        lambda d: re.search(r"Created backfill (\w+)", body_text(d)),
        30,
        "the 'Created backfill' toast",
    )
    backfill_id = toast.group(1)

    backfill_query = """query($id: String!) { partitionBackfillOrError(backfillId: $id) { __typename
        ... on PartitionBackfill { status partitionNames assetSelection { path }
            runs(limit: 20) { id status } }
        ... on PythonError { message } } }"""
    backfill = dev.gql(backfill_query, {"id": backfill_id})["partitionBackfillOrError"]
    assert backfill["__typename"] == "PartitionBackfill", backfill
    assert sorted(backfill["partitionNames"]) == dates
    assert sorted(tuple(a["path"]) for a in backfill["assetSelection"]) == sorted(ASSETS)

    # 3. The daemon runs it; then the backfill page shows every asset completed.
    deadline = time.monotonic() + BACKFILL_TIMEOUT
    while backfill["status"] in RUNNING and time.monotonic() < deadline:
        time.sleep(2)
        backfill = dev.gql(backfill_query, {"id": backfill_id})["partitionBackfillOrError"]
    assert backfill["status"] == "COMPLETED_SUCCESS", (
        f"backfill {backfill_id} ended {backfill['status']} (runs {backfill['runs']}) "
        f"after {time.monotonic() - started:.0f} s:\n{dev.log_tail()}"
    )

    driver.get(f"{dev.url}/runs/b/{backfill_id}")
    wait_for(
        driver,
        text_present(
            backfill_id, "Succeeded", f"{len(dates)} partitions", *(f"{g} / {n}" for g, n in ASSETS)
        ),
        60,
        "the completed backfill table",
    )
    page = body_text(driver)
    for group, name in ASSETS:
        row = page[page.index(f"{group} / {name}") :].splitlines()[:6]
        # asset, "100% completed", targeted, in progress, succeeded, failed
        assert row[1:6] == ["100% completed", "4", "0", "4", "0"], (
            f"backfill row for {group}/{name}: {row}"
        )
    shot(driver, artifacts, "03_backfill_done.png")

    # 4. The checks of player_game_summary, per date, in the UI ...
    checks = _checks(dev, ("nba_analytics", "player_game_summary"))
    driver.get(f"{dev.url}/assets/nba_analytics/player_game_summary?view=checks")
    wait_for(
        driver,
        text_present(f"Checks ({len(checks)})", *checks),
        60,
        f"the check list {sorted(checks)}",
    )
    # the list shows each check followed by its latest status; a backfill records the
    # inputs_ready gate for held-back dates only (none here), so the UI lists it as skipped,
    # never failed
    for name in checks:
        status = "Skipped" if name == "inputs_ready" else "Succeeded"
        wait_for(
            driver,
            lambda d, n=name, st=status: re.search(rf"(?m)^{re.escape(n)}\n{st}$", body_text(d)),
            30,
            f"'{name}' listed as {status}",
        )
    shot(driver, artifacts, "04_checks_tab.png")

    displayed(driver, "//*[normalize-space(text())='coverage']")[0].click()
    displayed(driver, "//button[normalize-space(.)='Execution history']")[0].click()
    rows = wait_for(
        driver, lambda d: _history_rows(d, dates), 60, f"a Passed execution row for each of {dates}"
    )
    assert all("Passed" in rows[date] for date in dates), rows
    shot(driver, artifacts, "05_check_execution_history.png")

    displayed(driver, "//button[normalize-space(.)='Partitions']")[0].click()
    wait_for(
        driver,
        text_present(f"Passed ({len(dates)})", "Failed (0)", "Missing (0)"),
        30,
        f"'Passed ({len(dates)})' in the check's partitions tab",
    )
    shot(driver, artifacts, "06_check_partitions.png")

    # ... and through GraphQL: one execution per check and per date on all seven assets.
    missing, failed_blocking, summary = [], [], {}
    for asset in ASSETS:
        for name, blocking in _checks(dev, asset).items():
            if (
                name == "inputs_ready"
            ):  # recorded for held-back dates only (none here); its summary passed
                continue
            per_date = _executions_per_date(dev, asset, name)
            summary[f"{'/'.join(asset)}:{name}"] = {
                d: per_date.get(d, {}).get("status") for d in dates
            }
            for date in dates:
                execution = per_date.get(date)
                if execution is None or execution["status"] not in ("SUCCEEDED", "FAILED"):
                    missing.append((asset, name, date, execution and execution["status"]))
                    continue
                assert execution["evaluation"]["targetMaterialization"], (
                    asset,
                    name,
                    date,
                    "no target materialization",
                )
                if blocking and execution["status"] != "SUCCEEDED":
                    failed_blocking.append((asset, name, date))
    assert summary, "no checks found on the seven assets"
    assert not missing, f"checks without a recorded execution for a date: {missing}"
    assert not failed_blocking, f"blocking checks failed on real data: {failed_blocking}"

    # 5. The overview's Metadata section as Plots: by partition (the default for a partitioned
    #    asset), one plot per numeric metadata entry, one point per date on an x axis of dates.
    recorded = _numeric_metadata(dev, PLOTTED, dates)  # {label: {date: value}}, via GraphQL
    assert ROW_COUNT in recorded, f"no {ROW_COUNT} on {PLOTTED}'s materializations: {recorded}"
    driver.get(f"{dev.url}/assets/{'/'.join(PLOTTED)}")
    wait_for(
        driver, text_present("Latest materialization", "Metadata"), 60, f"{PLOTTED}'s overview"
    )
    wait_for(driver, _select_plots, 30, "the Metadata section's Plots toggle selected")
    charts = wait_for(
        driver,
        lambda d: _charts(d, recorded),
        60,
        f"a drawn plot for each numeric metadata entry {sorted(recorded)}",
    )
    heading = displayed(driver, f"//*[normalize-space(text())='{ROW_COUNT}']")
    assert heading, f"no {ROW_COUNT} plot heading visible"
    assert "When graphing values by partition" in body_text(driver), "plots are not by partition"
    for label, per_date in recorded.items():
        chart = charts[label]
        points = chart["points"]
        assert chart["axis"] == "Partition", (label, chart["axis"])
        assert chart["ticks"] == dates, f"{label}: x-axis labels {chart['ticks']}, not {dates}"
        assert len(points) == len(dates), f"{label}: {len(points)} points for {dates}"
        values = [p["value"] for p in points]
        assert values == pytest.approx([per_date[d] for d in dates]), (
            f"{label}: plotted {values}, recorded {per_date}"
        )
        # drawn: not skipped (NaN), inside the plot area, line-coloured pixels around it
        unseen = [
            d
            for d, p in zip(dates, points, strict=True)
            if p["skip"] or not p["inside"] or p["pixels"] < 10
        ]
        assert not unseen, f"{label}: no point drawn for {unseen}: {points}"
    driver.execute_script("arguments[0].scrollIntoView({block: 'center'});", heading[0])
    shot(driver, artifacts, "07_metadata_plots.png")

    elapsed = time.monotonic() - started
    print(
        f"\n{len(summary)} checks x {len(dates)} dates recorded; backfill {backfill_id}; "
        f"{len(charts)} metadata plots x {len(dates)} points; "
        f"browser part {elapsed:.0f} s; "
        f"screenshots in {artifacts}"
    )


def test_an_asset_page_describes_its_columns_and_names_its_owner(dagster_dev, browser, artifacts):
    """What an analyst reads on a table's page: the overview lists every column with the
    contract's description (``nba_assets/contracts.py``) and names the table's owner."""
    from nba_assets import contracts

    driver, dev = browser, dagster_dev
    described = {c.name: c.description for c in contracts.PLAYER_GAME_SUMMARY.columns}
    driver.get(f"{dev.url}/assets/{'/'.join(PLOTTED)}")
    wait_for(
        driver,
        text_present("Columns", "usage_rate", described["usage_rate"], "nba-data"),
        60,
        f"{PLOTTED}'s column descriptions and owner",
    )
    dismiss_community_modal(driver)
    columns = displayed(driver, "//*[normalize-space(text())='usage_rate']")
    assert columns, "the usage_rate column is not visible"
    driver.execute_script("arguments[0].scrollIntoView({block: 'center'});", columns[0])
    shot(driver, artifacts, "08_column_descriptions.png")


def _checks(dev, asset: tuple[str, str]) -> dict[str, bool]:
    """{check name: blocking} of one asset, from the webserver."""
    data = dev.gql(
        """query($key: AssetKeyInput!) { assetNodeOrError(assetKey: $key) { __typename
        ... on AssetNode { assetChecksOrError { __typename
            ... on AssetChecks { checks { name blocking } } } } } }""",
        {"key": {"path": list(asset)}},
    )["assetNodeOrError"]
    assert data["__typename"] == "AssetNode", data
    return {c["name"]: c["blocking"] for c in data["assetChecksOrError"].get("checks", [])}


def _executions_per_date(dev, asset: tuple[str, str], check: str) -> dict[str, dict]:
    """The latest execution of ``check`` for each partition (the range summary has partition
    None)."""
    rows = dev.gql(
        """query($key: AssetKeyInput!, $check: String!) {
        assetCheckExecutions(assetKey: $key, checkName: $check, limit: 100) {
            status partition evaluation { partition success
                targetMaterialization { timestamp } } } }""",
        {"key": {"path": list(asset)}, "check": check},
    )["assetCheckExecutions"]
    latest: dict[str, dict] = {}
    for row in rows:  # newest first
        if row["partition"] and row["partition"] not in latest:
            latest[row["partition"]] = row
    return latest


def _history_rows(driver, dates: list[str]) -> dict[str, str] | bool:
    """{date: row text} of the execution history table once every date has a row, else False."""
    rows = {}
    for tr in driver.find_elements(_by().XPATH, "//table//tr"):
        text = tr.text
        for date in dates:
            if date in text:
                rows[date] = text
    return rows if all(date in rows for date in dates) else False


def _numeric_metadata(dev, asset: tuple[str, str], dates: list[str]) -> dict[str, dict]:
    """{label: {date: value}} of the numeric metadata of the latest materialization of each
    date."""
    rows = dev.gql(
        """query($key: AssetKeyInput!, $dates: [String!]) { assetOrError(assetKey: $key) {
        ... on Asset { assetMaterializations(partitions: $dates) { partition metadataEntries {
            label ... on IntMetadataEntry { intValue intRepr }
            ... on FloatMetadataEntry { floatValue } } } } } }""",
        {"key": {"path": list(asset)}, "dates": dates},
    )["assetOrError"].get("assetMaterializations", [])
    values: dict[str, dict] = {}
    seen = set()
    for row in rows:  # newest first
        if row["partition"] in seen:
            continue
        seen.add(row["partition"])
        for entry in row["metadataEntries"]:
            if "intRepr" in entry:
                value = (
                    entry["intValue"] if entry["intValue"] is not None else int(entry["intRepr"])
                )
            elif "floatValue" in entry:
                value = entry["floatValue"]
            else:
                continue
            values.setdefault(entry["label"], {})[row["partition"]] = value
    return values


def _select_plots(driver) -> bool:
    """Clicks the Metadata section's Plots toggle until the UI marks it selected."""
    from selenium.common.exceptions import StaleElementReferenceException

    try:
        for button in displayed(driver, PLOTS_BUTTON):
            if button.get_attribute("aria-selected") == "true":
                return True
            driver.execute_script(
                "arguments[0].scrollIntoView({block: 'center'}); arguments[0].click();", button
            )
    except StaleElementReferenceException:  # re-rendered under us: look again
        pass
    return False


def _charts(driver, labels) -> dict[str, dict] | bool:
    """{label: plot} once a plot is drawn for each of ``labels``, else False."""
    charts = {c["label"]: c for c in driver.execute_script(PLOTS_JS)}
    return charts if all(charts.get(label, {}).get("total") for label in labels) else False
