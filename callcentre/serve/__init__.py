"""``callcentre serve``: the caller TUI in a browser, through textual-serve.

textual-serve starts one process per browser connection and relays the terminal
over a websocket. Two things of its own are replaced here (:mod:`.server`):

- its page template, which loads a font from a public CDN that callers' networks may
  not reach: ours uses only files shipped in ``static/`` (vendored from the
  textual-serve wheel by :mod:`.vendor`) and a Content-Security-Policy that forbids
  anything else, so no request leaves the server's machine;
- what each connection runs: :mod:`.session`, which always starts at the log-in screen,
  never with the server's own credentials (environment, saved token or OS account).

textual-serve has no authentication of its own: the log-in screen is the gate.
Nothing here imports Textual (the session module does, in its own process).
"""
