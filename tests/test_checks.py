"""The static checks, run by the README's test command and so by ``.ci/run``:

- mypy on the typed packages (``MYPY_PATHS`` that exist; ``pyproject.toml`` makes the new
  application packages strict),
- ruff with the rule set in ``pyproject.toml``,
- the import contracts in ``pyproject.toml`` (import-linter), and a check that each contract
  can break.

A tool that is not installed skips its test on a developer's machine (``./dev.sh test``
installs them all) and fails in CI (``CALLCENTRE_CI=1``, set by ``.ci/run``).
"""

from __future__ import annotations

import ast
import importlib.util
import os
import re
import shutil
import subprocess
import sys
import tomllib
from importlib import metadata
from pathlib import Path

import pytest
from packaging.markers import Marker
from packaging.requirements import Requirement
from packaging.utils import canonicalize_name

ROOT = Path(__file__).resolve().parents[1]
IN_CI = os.environ.get("CALLCENTRE_CI") == "1"
# Checked by mypy once they exist: the pure packages and the application's new layers.
MYPY_PATHS = ("sampling", "questionnaires", "callcentre/services", "callcentre/fieldwork",
              "callcentre/reports", "callcentre/settings.py")


def _tool(module: str) -> None:
    if importlib.util.find_spec(module) is None:
        if IN_CI:
            pytest.fail(f"{module} is not installed (requirements/dev.txt has it)")
        pytest.skip(f"{module} is not installed (./dev.sh test installs it)")


def _script(name: str) -> str:
    path = Path(sys.executable).with_name(name)
    return str(path) if path.exists() else (shutil.which(name) or name)


def _run(args: list[str], cwd: Path = ROOT) -> subprocess.CompletedProcess[str]:
    return subprocess.run(args, cwd=cwd, capture_output=True, text=True, check=False,
                          env={**os.environ, "NO_COLOR": "1", "PYTHONPATH": str(cwd)})


def test_mypy() -> None:
    _tool("mypy")
    paths = [p for p in MYPY_PATHS if (ROOT / p).exists()]
    out = _run([sys.executable, "-m", "mypy", *paths])
    assert out.returncode == 0, out.stdout + out.stderr


def test_mypy_is_strict_on_new_modules(tmp_path: Path) -> None:
    """The per-module strict override reaches callcentre.services (an untyped def fails)."""
    _tool("mypy")
    pkg = tmp_path / "callcentre" / "services"
    pkg.mkdir(parents=True)
    (tmp_path / "callcentre" / "__init__.py").write_text("")
    (pkg / "__init__.py").write_text("")
    (pkg / "probe.py").write_text("def f(x):\n    return x\n")
    out = _run([sys.executable, "-m", "mypy", "--config-file", str(ROOT / "pyproject.toml"),
                "--no-incremental", "callcentre/services"], cwd=tmp_path)
    assert out.returncode == 1 and "no-untyped-def" in out.stdout, out.stdout + out.stderr


def test_ruff() -> None:
    _tool("ruff")
    out = _run([sys.executable, "-m", "ruff", "check", "--no-cache", "--output-format", "concise", "."])
    assert out.returncode == 0, out.stdout + out.stderr


def test_import_contracts() -> None:
    _tool("importlinter")
    out = _run([_script("lint-imports"), "--no-cache"])
    assert out.returncode == 0, out.stdout + out.stderr
    assert "0 broken" in out.stdout


VIOLATIONS = {
    # file to add -> its text: each breaks one contract
    "sampling/_probe.py": "import callcentre.db\n",
    "questionnaires/_probe.py": "import callcentre.cli\n",
    "questionnaires/_probe2.py": "import sqlalchemy\n",
    "callcentre/cli/_probe.py": "import textual\n",
    "callcentre/services/__init__.py": "",
    "callcentre/services/_probe.py": "import callcentre.cli\n",
    "callcentre/fieldwork/__init__.py": "",
    "callcentre/fieldwork/_probe.py": "import callcentre.db\n",
    # allowed: the TUI's modules import Textual, the CLI calls the services
    "callcentre/tui/__init__.py": "",
    "callcentre/tui/app.py": "import textual\nimport callcentre.services\n",
    "callcentre/cli/_probe_ok.py": "import callcentre.services\nimport callcentre.tui.app\n",
}


def test_import_contracts_catch_violations(tmp_path: Path) -> None:
    """Each contract breaks on a copy of the tree with one offending import added."""
    _tool("importlinter")
    for package in ("sampling", "questionnaires", "callcentre"):
        shutil.copytree(ROOT / package, tmp_path / package,
                        ignore=shutil.ignore_patterns("__pycache__", "*.xlsx", "*.json", "*.csv"))
    shutil.copy(ROOT / "pyproject.toml", tmp_path / "pyproject.toml")
    for rel, text in VIOLATIONS.items():
        (tmp_path / rel).parent.mkdir(parents=True, exist_ok=True)
        (tmp_path / rel).write_text(text)
    out = _run([_script("lint-imports"), "--no-cache"], cwd=tmp_path)
    assert out.returncode == 1, out.stdout + out.stderr
    lines = [ln for ln in out.stdout.splitlines() if ln.endswith(("KEPT", "BROKEN"))
             or " KEPT (" in ln or " BROKEN (" in ln]
    assert len(lines) == 6 and all("BROKEN" in ln for ln in lines), out.stdout
    # the TUI's own Textual import is never the start of a reported chain (it may sit
    # inside one: a probe that imports the CLI reaches Textual through ``callcentre tui``)
    assert "-   callcentre.tui.app -> textual" not in out.stdout
    assert "callcentre.cli._probe_ok" not in out.stdout


LOCKS = {"runtime": ROOT / "requirements/runtime.txt", "dev": ROOT / "requirements/dev.txt",
         "bench": ROOT / "requirements/bench.txt"}
PIN = re.compile(r"^([A-Za-z0-9][A-Za-z0-9._-]*)==([^ ;\\]+)\s*(?:;\s*([^\\]+?))?\s*\\?$", re.M)


def _pins(lock: Path) -> dict[str, list[tuple[str, str]]]:
    """name -> [(version, marker)] as pinned in a lock file (one name may have several
    versions for different Python versions)."""
    pins: dict[str, list[tuple[str, str]]] = {}
    for name, version, marker in PIN.findall(lock.read_text(encoding="utf-8")):
        pins.setdefault(canonicalize_name(name), []).append((version, marker.strip()))
    return pins


def _requirements() -> dict[str, list[Requirement]]:
    project = tomllib.loads((ROOT / "pyproject.toml").read_text(encoding="utf-8"))["project"]
    runtime = [Requirement(r) for r in project["dependencies"]]
    extras = project["optional-dependencies"]
    dev = runtime + [Requirement(r) for r in extras["dev"]]
    return {"runtime": runtime, "dev": dev,
            "bench": dev + [Requirement(r) for r in extras["bench"]]}


def test_lock_files_pin_what_pyproject_asks() -> None:
    """Each lock pins every requirement of its extra (run `./dev.sh lock` after editing
    pyproject.toml), with hashes, and the locks agree with one another."""
    gaps = []
    for extra, requirements in _requirements().items():
        pins = _pins(LOCKS[extra])
        for req in requirements:
            versions = [v for v, _ in pins.get(canonicalize_name(req.name), [])]
            if not versions or not all(req.specifier.contains(v, prereleases=True)
                                       for v in versions):
                gaps.append(f"{LOCKS[extra].name}: {req} (locked: {versions})")
        text = LOCKS[extra].read_text(encoding="utf-8")
        assert all(block.count("--hash=sha256:") > 0 for block in
                   re.split(r"\n(?=[A-Za-z0-9])", text) if "==" in block), LOCKS[extra].name
    assert gaps == []
    runtime, dev, bench = ({n: {v for v, _ in p} for n, p in _pins(LOCKS[k]).items()}
                           for k in ("runtime", "dev", "bench"))
    assert {n: v for n, v in runtime.items() if dev.get(n) != v} == {}
    assert {n: v for n, v in dev.items() if bench.get(n) != v} == {}


def test_textual_is_pinned_exactly() -> None:
    textual = [r for r in _requirements()["runtime"] if r.name == "textual"]
    assert len(textual) == 1 and str(textual[0].specifier).startswith("==")


def test_installed_versions_are_the_locked_ones() -> None:
    """In CI the venv holds exactly the versions of requirements/dev.txt."""
    if not IN_CI:
        pytest.skip("checked in CI, where ./dev.sh installed requirements/dev.txt")
    wrong = {}
    for name, pinned in _pins(LOCKS["dev"]).items():
        wanted = [v for v, marker in pinned if not marker or Marker(marker).evaluate()]
        if not wanted:
            continue
        try:
            have = metadata.version(name)
        except metadata.PackageNotFoundError:
            have = None
        if have not in wanted:
            wrong[name] = (have, wanted)
    assert wrong == {}


def _imported(path: Path, package: str) -> set[str]:
    names: set[str] = set()
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
        if isinstance(node, ast.Import):
            names.update(a.name for a in node.names)
        elif isinstance(node, ast.ImportFrom):
            base = node.module or ""
            if node.level:  # relative to the package (this is its __init__.py)
                parts = package.split(".")
                parts = parts[:len(parts) - node.level + 1]
                base = ".".join([*parts, base] if base else parts)
            names.add(base)
            names.update(f"{base}.{a.name}" for a in node.names)
    return names


def test_init_of_a_package_named_pkg_stars_obeys_its_contract() -> None:
    """A contract can only name a package that exists, so packages still to come are named
    ``pkg.**``, which leaves out ``pkg/__init__.py``: check those files here."""
    contracts = tomllib.loads((ROOT / "pyproject.toml").read_text(encoding="utf-8"))[
        "tool"]["importlinter"]["contracts"]
    offenders = []
    for contract in contracts:
        if contract["type"] != "forbidden":
            continue
        forbidden = [m.removesuffix(".**") for m in contract["forbidden_modules"]]
        for source in contract["source_modules"]:
            init = ROOT / source.removesuffix(".**").replace(".", "/") / "__init__.py"
            if not source.endswith(".**") or not init.exists():
                continue
            for name in _imported(init, source.removesuffix(".**")):
                if any(name == f or name.startswith(f + ".") for f in forbidden):
                    offenders.append(f"{init.relative_to(ROOT)}: {name} ({contract['name']})")
    assert offenders == []
