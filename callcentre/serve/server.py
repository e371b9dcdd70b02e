"""The web server of ``callcentre serve``: textual-serve's server with our page.

What differs from :class:`textual_serve.server.Server`:

- the page (``templates/app_index.html``) and its files (``static/``) are ours and
  come from this server only; every response carries a Content-Security-Policy that
  lets the browser load nothing from anywhere else;
- URLs in the page are built from the request's own host, so the page works whatever
  name or address a caller's browser used (textual-serve writes ``http://HOST:PORT``
  of the bind address, useless when bound to ``0.0.0.0``) unless ``public_url`` says
  otherwise (a TLS reverse proxy in front);
- each connection runs :mod:`callcentre.serve.session` with the environment stripped of
  any log-in (``CALLCENTRE_USER`` / ``CALLCENTRE_PASSWORD``).
"""

from __future__ import annotations

import ipaddress
import os
import shlex
import sys
from collections.abc import Mapping
from pathlib import Path
from typing import Any

import aiohttp_jinja2
import jinja2
from aiohttp import web
from textual_serve.server import Server

from callcentre.i18n import language, t
from callcentre.settings import (
    ENV_DB,
    ENV_LANG,
    ENV_PASSWORD,
    ENV_USER,
    ENV_WAVE,
    Settings,
)

HERE = Path(__file__).parent
#: environment variables a served session must never see: they would log it in
CREDENTIAL_VARIABLES = (ENV_USER, ENV_PASSWORD)

#: the browser may load only from this server (style-src needs inline styles: xterm.js
#: and textual.js insert <style> elements); 'self' covers ws:// and wss:// to this host
CONTENT_SECURITY_POLICY = "; ".join((
    "default-src 'none'",
    "script-src 'self'",
    "style-src 'self' 'unsafe-inline'",
    "font-src 'self'",
    "img-src 'self' data:",
    "connect-src 'self'",
    "base-uri 'none'",
    "form-action 'none'",
    "frame-ancestors 'none'",
))


def session_command() -> str:
    """The shell command textual-serve runs for each browser connection."""
    return f"{shlex.quote(sys.executable)} -m callcentre.serve.session"


def session_environment(settings: Settings, env: Mapping[str, str]) -> dict[str, str]:
    """``env`` as the sessions should inherit it: the database, language and wave of
    ``settings`` (so a ``--db`` option reaches them), no log-in."""
    out = {k: v for k, v in env.items() if k not in CREDENTIAL_VARIABLES}
    out[ENV_DB] = settings.db_url
    out[ENV_LANG] = settings.language
    if settings.wave:
        out[ENV_WAVE] = settings.wave
    return out


def is_loopback(host: str) -> bool:
    if host == "localhost":
        return True
    try:
        return ipaddress.ip_address(host).is_loopback
    except ValueError:
        return False


@web.middleware
async def _security_headers(request: web.Request, handler: Any) -> web.StreamResponse:
    response: web.StreamResponse = await handler(request)
    response.headers["Content-Security-Policy"] = CONTENT_SECURITY_POLICY
    response.headers["X-Content-Type-Options"] = "nosniff"
    response.headers["Referrer-Policy"] = "no-referrer"
    return response


class CallerServer(Server):
    """Serves :mod:`callcentre.serve.session` to browsers."""

    def __init__(self, *, host: str = "127.0.0.1", port: int = 8000,
                 public_url: str | None = None) -> None:
        super().__init__(session_command(), host=host, port=port, title=t("serve.page.title"),
                         public_url=public_url, statics_path=HERE / "static",
                         templates_path=HERE / "templates")
        self._public_url_given = public_url is not None

    async def _make_app(self) -> web.Application:
        app = web.Application(middlewares=[_security_headers])
        aiohttp_jinja2.setup(app, loader=jinja2.FileSystemLoader(self.templates_path),
                             autoescape=True)
        app.add_routes([
            web.get("/", self.handle_index, name="index"),
            web.get("/ws", self.handle_websocket, name="websocket"),
            web.get("/download/{key}", self.handle_download, name="download"),
            web.static("/static", self.statics_path, show_index=False, name="static"),
        ])
        app.on_startup.append(self.on_startup)
        app.on_shutdown.append(self.on_shutdown)
        return app

    async def on_startup(self, app: web.Application) -> None:
        say = self.console.print
        say(t("serve.listening", url=self.public_url), markup=False, soft_wrap=True)
        if not is_loopback(self.host):
            say(t("serve.remote_warning", host=self.host), markup=False, soft_wrap=True,
                style="yellow")
        say(t("serve.stop_hint"), markup=False, soft_wrap=True)

    def _base_url(self, request: web.Request) -> str:
        if self._public_url_given:
            return self.public_url.rstrip("/")
        return f"{request.scheme}://{request.host}"

    @aiohttp_jinja2.template("app_index.html")  # type: ignore[misc]
    async def handle_index(self, request: web.Request) -> dict[str, Any]:
        base = self._base_url(request)
        scheme, rest = base.split(":", 1)
        font_size = request.query.get("fontsize", "16")
        return {
            "lang": "zh-CN" if language() == "zh" else "en",
            "static_url": "/static/",
            "websocket_url": ("wss:" if scheme == "https" else "ws:") + rest + "/ws",
            "font_size": int(font_size) if font_size.isdigit() else 16,
            "texts": {name: t(f"serve.page.{name}") for name in
                      ("title", "connecting", "start", "ended", "restart", "noscript")},
        }


def serve(settings: Settings, *, host: str, port: int, public_url: str | None = None) -> None:
    """Serve the caller TUI until Ctrl+C. Sessions get the database of ``settings``."""
    clean = session_environment(settings, os.environ)
    # textual-serve hands each session a copy of this process's environment
    os.environ.clear()
    os.environ.update(clean)
    CallerServer(host=host, port=port, public_url=public_url).serve()
