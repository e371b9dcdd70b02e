"""Copy textual-serve's browser files into ``static/``, with one patch.

Run after upgrading textual-serve (``python -m callcentre.serve.vendor``);
``tests/test_serve.py`` checks that the copies match the installed wheel.

The patch: textual.js keeps its xterm.js ``Terminal`` in a closure. We hang it on the
terminal's element (``document.getElementById("terminal").textualTerminal``) so that the
browser test can read the screen as xterm drew it (``buffer.active``) rather than guess
from the bytes sent.
"""

from __future__ import annotations

import sys
from pathlib import Path

STATIC = Path(__file__).with_name("static")
#: (path in textual-serve's static folder, our copy): the template needs no others
FILES = (
    ("js/textual.js", "js/textual.js"),
    ("css/xterm.css", "css/xterm.css"),
    ("fonts/RobotoMono-VariableFont_wght.ttf", "fonts/RobotoMono-VariableFont_wght.ttf"),
)
_ANCHOR = "const t=new w(e,{ping:r});"
_PATCHED = "const t=new w(e,{ping:r});e.textualTerminal=t.terminal;"


def upstream_static() -> Path:
    import textual_serve

    return Path(textual_serve.__file__).with_name("static")


def patched(name: str, data: bytes) -> bytes:
    """``data`` of upstream file ``name`` as we ship it."""
    if name != "js/textual.js":
        return data
    text = data.decode("utf-8")
    if text.count(_ANCHOR) != 1:
        raise RuntimeError(f"textual.js changed: {_ANCHOR!r} not found once; update vendor.py")
    return text.replace(_ANCHOR, _PATCHED).encode("utf-8")


def vendor(dest: Path = STATIC) -> list[Path]:
    """Write the patched copies under ``dest``; return their paths."""
    source = upstream_static()
    written = []
    for name, ours in FILES:
        target = dest / ours
        target.parent.mkdir(parents=True, exist_ok=True)
        target.write_bytes(patched(name, (source / name).read_bytes()))
        written.append(target)
    return written


if __name__ == "__main__":
    for path in vendor():
        sys.stdout.write(f"{path}\n")
