"""What one browser connection runs (``python -m callcentre.serve.session``).

The caller TUI, always at its log-in screen: whoever opened the page proves who they
are there. The server's own ways of being someone are cut off: the environment's
``CALLCENTRE_USER`` / ``CALLCENTRE_PASSWORD`` are dropped (the server strips them too),
and the session keeps its state in an empty folder of its own, so no log-in token saved
by the server's OS account is found. The database, language and wave come from the
environment the server prepared (:func:`callcentre.serve.server.session_environment`).
"""

from __future__ import annotations

import tempfile
from dataclasses import replace
from pathlib import Path

from callcentre.i18n import set_language
from callcentre.settings import Settings, load_settings


def served_settings(settings: Settings, state_dir: Path) -> Settings:
    """``settings`` with every log-in shortcut removed."""
    return replace(settings, user=None, password=None, state_dir=state_dir)


def main() -> None:
    with tempfile.TemporaryDirectory(prefix="callcentre-served-") as state:
        settings = served_settings(load_settings(), Path(state))
        set_language(settings.language)
        from callcentre.tui.app import CallerApp

        CallerApp(settings=settings, db_url=settings.db_url).run()


if __name__ == "__main__":
    main()
