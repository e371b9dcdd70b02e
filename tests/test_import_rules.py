"""Package boundaries (DESIGN §3): the pure packages import neither Textual nor the
database layer; only the TUI imports Textual."""

from __future__ import annotations

import ast
import pkgutil
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]
FORBIDDEN_IN_PURE = ("textual", "sqlalchemy", "sqlmodel", "alembic", "psycopg", "callcentre.db",
                     "callcentre.cli", "callcentre.importer")


def _imports(path: Path) -> set[str]:
    tree = ast.parse(path.read_text(encoding="utf-8"))
    names: set[str] = set()
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            names.update(a.name for a in node.names)
        elif isinstance(node, ast.ImportFrom) and node.module and node.level == 0:
            names.add(node.module)
    return names


@pytest.mark.parametrize("package", ["sampling", "questionnaires"])
def test_pure_packages_do_not_import_textual_or_database(package: str) -> None:
    offenders = []
    for path in (ROOT / package).rglob("*.py"):
        for name in _imports(path):
            if any(name == f or name.startswith(f + ".") for f in FORBIDDEN_IN_PURE):
                offenders.append(f"{path.relative_to(ROOT)}: {name}")
            if name == "callcentre" or name.startswith("callcentre."):
                offenders.append(f"{path.relative_to(ROOT)}: {name}")
    assert offenders == []


def test_only_the_tui_imports_textual() -> None:
    offenders = []
    for path in (ROOT / "callcentre").rglob("*.py"):
        rel = path.relative_to(ROOT / "callcentre")
        if rel.parts[0] == "tui":
            continue
        if any(n == "textual" or n.startswith("textual.") for n in _imports(path)):
            offenders.append(str(rel))
    assert offenders == []


@pytest.mark.parametrize("package", ["sampling", "questionnaires"])
def test_pure_packages_load_without_database_modules(package: str) -> None:
    """Import every module of the package in a fresh interpreter and look at sys.modules."""
    mods = [m.name for m in pkgutil.walk_packages([str(ROOT / package)], prefix=f"{package}.")]
    code = (
        "import importlib, sys\n"
        f"for m in {mods!r} + [{package!r}]:\n"
        "    importlib.import_module(m)\n"
        "bad = [m for m in sys.modules if m.split('.')[0] in ('textual', 'sqlalchemy', 'sqlmodel')"
        " or m.startswith('callcentre.db')]\n"
        "print(','.join(bad))\n"
    )
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, cwd=ROOT,
                         check=False)
    assert out.returncode == 0, out.stderr
    assert out.stdout.strip() == ""


def test_fieldwork_rules_are_pure() -> None:
    """callcentre/fieldwork (calendar, hours, dispositions, scheduler, rates) imports neither
    the database, the CLI nor Textual: the database layer builds on it, not the reverse."""
    offenders = []
    for path in (ROOT / "callcentre" / "fieldwork").rglob("*.py"):
        for name in _imports(path):
            if any(name == f or name.startswith(f + ".") for f in FORBIDDEN_IN_PURE):
                offenders.append(f"{path.relative_to(ROOT)}: {name}")
            if name.startswith("callcentre") and not name.startswith(
                    ("callcentre.fieldwork", "callcentre.i18n")):
                offenders.append(f"{path.relative_to(ROOT)}: {name}")
    assert offenders == []
    mods = [m.name for m in pkgutil.walk_packages([str(ROOT / "callcentre" / "fieldwork")],
                                                  prefix="callcentre.fieldwork.")]
    assert "callcentre.fieldwork.rules" in mods
    code = (
        "import importlib, sys\n"
        f"for m in {mods!r}:\n"
        "    importlib.import_module(m)\n"
        "bad = [m for m in sys.modules if m.split('.')[0] in ('textual', 'sqlalchemy', 'sqlmodel')"
        " or m.startswith(('callcentre.db', 'callcentre.cli', 'callcentre.importer'))]\n"
        "print(','.join(bad))\n"
    )
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, cwd=ROOT,
                         check=False)
    assert out.returncode == 0, out.stderr
    assert out.stdout.strip() == ""
