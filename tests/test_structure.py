"""The house rules, asserted: imports run one way, Dagster's internals stay behind one door, and
every module imports with no raw folder at all.

Layers (README, "Layout"), each importing only itself and the layers after it:
``nba_assets`` (definitions, assets and their checks) → ``asset_checks`` (pure rules,
thresholds, per-date emission) → ``resources`` (warehouse, sources, model store, the Dagster
adapter) → ``basketball`` (pure basketball math, imports nothing of the project).
"""

from __future__ import annotations

import ast
import os
import shutil
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
PACKAGES = ("nba_assets", "asset_checks", "resources", "basketball")
MAY_IMPORT = {
    "nba_assets": {"nba_assets", "asset_checks", "resources", "basketball"},
    "asset_checks": {"asset_checks", "resources", "basketball"},
    "resources": {"resources", "basketball"},
    "basketball": {"basketball"},
}
ADAPTER = "resources/dagster_internals.py"


def _modules() -> list[Path]:
    return sorted(p for pkg in PACKAGES for p in (ROOT / pkg).rglob("*.py"))


def _imports(path: Path) -> list[tuple[int, str]]:
    """(line, absolute module name) of every import in ``path``."""
    out = []
    for node in ast.walk(ast.parse(path.read_text(), str(path))):
        if isinstance(node, ast.Import):
            out += [(node.lineno, a.name) for a in node.names]
        elif isinstance(node, ast.ImportFrom):
            if node.level:  # relative: resolve against the module's package
                package = path.relative_to(ROOT).parent.parts
                base = package[: len(package) - node.level + 1]
                out.append(
                    (node.lineno, ".".join([*base, *([node.module] if node.module else [])]))
                )
            else:
                out.append((node.lineno, node.module))
    return out


def test_imports_run_one_way():
    wrong = []
    for path in _modules():
        layer = path.relative_to(ROOT).parts[0]
        for line, module in _imports(path):
            top = module.split(".")[0]
            if top in PACKAGES and top not in MAY_IMPORT[layer]:
                wrong.append(
                    f"{path.relative_to(ROOT)}:{line} imports {module} ({layer} may import "
                    f"{sorted(MAY_IMPORT[layer])})"
                )
    assert not wrong, "\n".join(wrong)


def test_the_basketball_package_knows_no_dagster():
    found = [
        f"{p.relative_to(ROOT)}:{line} imports {m}"
        for p in (ROOT / "basketball").rglob("*.py")
        for line, m in _imports(p)
        if m.split(".")[0] == "dagster" or m.startswith("dagster_")
    ]
    assert not found, "\n".join(found)


def test_dagster_private_modules_are_imported_in_one_module_only():
    found = [
        f"{p.relative_to(ROOT)}:{line} imports {m}"
        for p in [*_modules(), *(ROOT / "tests").rglob("*.py")]
        for line, m in _imports(p)
        if m.startswith("dagster._") and str(p.relative_to(ROOT)) != ADAPTER
    ]
    assert not found, f"import these through {ADAPTER}:\n" + "\n".join(found)


def test_every_module_imports_without_a_raw_folder(tmp_path):
    """No module reads data at import: a missing raw folder cannot stop the location, the CLI or
    a reader of the pure rules. The packages are copied to a folder with no ``../shared`` beside
    it, so the default raw folder is absent too when ``NBA_RAW_DIR`` is unset."""
    project = tmp_path / "project"
    for package in PACKAGES:
        shutil.copytree(
            ROOT / package, project / package, ignore=shutil.ignore_patterns("__pycache__")
        )
    names = sorted(
        ".".join(p.relative_to(project).with_suffix("").parts).removesuffix(".__init__")
        for p in project.rglob("*.py")
    )
    code = "import importlib, sys\nfor name in sys.argv[1:]:\n    importlib.import_module(name)\n"
    for raw in (None, str(tmp_path / "absent")):
        env = {
            "PATH": os.environ.get("PATH", "/usr/bin:/bin"),
            "DAGSTER_HOME": str(tmp_path),
            "PYTHONPATH": str(project),
            **({"NBA_RAW_DIR": raw} if raw else {}),
        }
        done = subprocess.run(
            [sys.executable, "-c", code, *names],
            cwd=project,
            env=env,
            capture_output=True,
            text=True,
        )
        assert done.returncode == 0, f"NBA_RAW_DIR={raw}: {done.stderr[-2000:]}"
    assert not (tmp_path / "shared").exists() and len(names) > 40
    # the code location itself loads and validates on an empty raw folder
    (tmp_path / "empty").mkdir()
    done = subprocess.run(
        [
            sys.executable,
            "-m",
            "dagster",
            "definitions",
            "validate",
            "-m",
            "nba_assets.definitions",
        ],
        cwd=project,
        env={**env, "NBA_RAW_DIR": str(tmp_path / "empty")},
        capture_output=True,
        text=True,
    )
    out = done.stdout + done.stderr
    assert done.returncode == 0 and "Validation successful" in out, out[-2000:]
