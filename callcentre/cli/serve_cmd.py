"""``callcentre serve``: the caller TUI for browsers (see :mod:`callcentre.serve`)."""

from __future__ import annotations

import click

from callcentre.cli.common import AppContext, pass_app, user_errors


@click.command("serve", help="cli.serve.help")
@click.option("--host", default="127.0.0.1", show_default=True, help="cli.serve.host")
@click.option("--port", type=click.IntRange(1, 65535), default=8000, show_default=True,
              help="cli.serve.port")
@click.option("--public-url", default=None, metavar="URL", help="cli.serve.public_url")
@pass_app
@user_errors
def serve_command(app: AppContext, host: str, port: int, public_url: str | None) -> None:
    # fail here, not in every browser session, when the database cannot be opened
    app.engine_for(creates=False).dispose()
    from callcentre.serve.server import serve

    serve(app.settings, host=host, port=port, public_url=public_url)
