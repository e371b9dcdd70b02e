"""The questionnaires package imports neither Textual nor the database layer."""

from __future__ import annotations

import pkgutil
import subprocess
import sys

import questionnaires


def test_questionnaires_is_pure() -> None:
    modules = [m.name for m in pkgutil.walk_packages(questionnaires.__path__, "questionnaires.")]
    assert "questionnaires.engine" in modules and "questionnaires.xlsform" in modules
    code = (
        "import importlib, sys\n"
        f"for name in {modules!r}: importlib.import_module(name)\n"
        "bad = sorted(m for m in sys.modules if m.split('.')[0] in "
        "('textual', 'sqlalchemy', 'sqlmodel', 'alembic', 'psycopg') "
        "or m.startswith('callcentre.db') or m.startswith('callcentre.cli'))\n"
        "print(','.join(bad))\n"
    )
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert out.stdout.strip() == ""
