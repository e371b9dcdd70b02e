"""``callcentre serve`` without a browser: the page and its files come from this server
only, the vendored files match the installed textual-serve, and sessions get no log-in.

The browser itself is in ``tests/test_serve_browser.py``."""

from __future__ import annotations

import asyncio
import re
from collections.abc import Iterator
from html.parser import HTMLParser
from pathlib import Path

import pytest

from callcentre.i18n import set_language
from callcentre.serve import server as srv
from callcentre.serve import vendor
from callcentre.serve.session import served_settings
from callcentre.settings import ENV_DB, ENV_PASSWORD, ENV_USER, Settings
from tests.helpers import cli

URL = re.compile(r"\b(?:https?|wss?|ftp)://[^\s\"'<>)]+")


@pytest.fixture(autouse=True)
def _language_back() -> Iterator[None]:
    """``--lang en`` below sets the language of this process: set it back after."""
    yield
    set_language(None)


def test_vendored_files_are_the_installed_textual_serve_patched() -> None:
    """After a textual-serve upgrade: ``python -m callcentre.serve.vendor``."""
    upstream = vendor.upstream_static()
    for name, ours in vendor.FILES:
        shipped = (vendor.STATIC / ours).read_bytes()
        assert shipped == vendor.patched(name, (upstream / name).read_bytes()), ours
    assert b"e.textualTerminal=t.terminal" in (vendor.STATIC / "js/textual.js").read_bytes()


def test_shipped_page_and_files_name_no_other_host() -> None:
    """No URL to anywhere in what the browser gets (licence texts and comments aside)."""
    for path in [*vendor.STATIC.rglob("*"), *(srv.HERE / "templates").rglob("*")]:
        if path.is_dir() or path.suffix in (".ttf",) or path.name == "LICENSES.txt":
            continue
        text = path.read_text(encoding="utf-8")
        if path.suffix == ".css":  # xterm.css credits term.js and jslinux in a comment
            text = re.sub(r"/\*.*?\*/", "", text, flags=re.S)
        found = URL.findall(text)
        assert found == [], f"{path}: {found}"


def test_sessions_inherit_no_log_in(tmp_path: Path) -> None:
    settings = Settings(db_url="sqlite:////srv/cc.db", user="wangfang", password="pw",
                        wave="2021")
    env = srv.session_environment(settings, {ENV_USER: "wangfang", ENV_PASSWORD: "pw",
                                             ENV_DB: "sqlite:///other.db", "PATH": "/bin"})
    assert ENV_USER not in env and ENV_PASSWORD not in env
    assert env[ENV_DB] == "sqlite:////srv/cc.db" and env["PATH"] == "/bin"
    assert env["CALLCENTRE_WAVE"] == "2021"
    served = served_settings(settings, tmp_path)
    assert (served.user, served.password, served.state_dir) == (None, None, tmp_path)


def test_loopback_hosts() -> None:
    assert srv.is_loopback("127.0.0.1") and srv.is_loopback("localhost")
    assert srv.is_loopback("::1")
    assert not srv.is_loopback("0.0.0.0") and not srv.is_loopback("10.1.2.3")


class _Refs(HTMLParser):
    def __init__(self) -> None:
        super().__init__()
        self.refs: list[str] = []
        self.ws = ""

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        a = dict(attrs)
        for name in ("src", "href"):
            if a.get(name):
                self.refs.append(a[name] or "")
        self.ws = a.get("data-session-websocket-url") or self.ws


def _fetch_all(server: srv.CallerServer, host_header: str) -> dict[str, object]:
    """GET the page and everything it links, through aiohttp's test client."""
    from aiohttp.test_utils import TestClient, TestServer

    async def run() -> dict[str, object]:
        app = await server._make_app()
        app.on_startup.clear()
        async with TestClient(TestServer(app)) as client:
            page = await client.get("/", headers={"Host": host_header})
            html = await page.text()
            refs = _Refs()
            refs.feed(html)
            linked = {}
            for ref in refs.refs:
                if ref.startswith("data:"):
                    continue
                response = await client.get(ref)
                linked[ref] = (response.status, response.headers.get("Content-Security-Policy"))
            listing = (await client.get("/static/")).status
            return {"status": page.status, "headers": dict(page.headers), "html": html,
                    "ws": refs.ws, "linked": linked, "listing": listing}

    return asyncio.run(run())


def test_page_links_only_this_server() -> None:
    got = _fetch_all(srv.CallerServer(host="0.0.0.0", port=8000), "10.0.0.5:8000")
    assert got["status"] == 200
    headers = got["headers"]
    assert isinstance(headers, dict)
    assert headers["Content-Security-Policy"] == srv.CONTENT_SECURITY_POLICY
    assert "default-src 'none'" in srv.CONTENT_SECURITY_POLICY
    # the websocket goes back to the host the browser used, not the bind address
    assert got["ws"] == "ws://10.0.0.5:8000/ws"
    linked = got["linked"]
    assert isinstance(linked, dict)
    assert set(linked) == {"/static/css/xterm.css", "/static/callcentre.css",
                           "/static/js/textual.js", "/static/callcentre.js"}
    assert all(status == 200 for status, _ in linked.values()), linked
    assert got["listing"] in (403, 404)  # no directory listing of /static/
    html = got["html"]
    assert isinstance(html, str)
    assert "调研员终端" in html and "googleapis" not in html


def test_public_url_behind_a_proxy() -> None:
    got = _fetch_all(srv.CallerServer(public_url="https://cati.example.cn"), "127.0.0.1:8000")
    assert got["ws"] == "wss://cati.example.cn/ws"


@pytest.mark.parametrize("lang", ["zh", "en"])
def test_serve_refuses_a_database_nobody_made(tmp_path: Path, lang: str,
                                             monkeypatch: pytest.MonkeyPatch) -> None:
    from click.testing import CliRunner

    from callcentre.cli import main_group

    monkeypatch.chdir(tmp_path)
    result = CliRunner().invoke(main_group, ["--lang", lang, "serve"])
    assert result.exit_code != 0
    assert "callcentre.db" in result.output
    assert not (tmp_path / "callcentre.db").exists()


def test_serve_help_tells_how_to_reach_it_remotely() -> None:
    result = cli("sqlite:///unused.db", "--lang", "en", "serve", "--help")
    assert "--host 0.0.0.0" in result.output and "127.0.0.1" in result.output
