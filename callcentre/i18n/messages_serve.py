"""Messages of ``callcentre serve`` (the caller TUI in a browser): key -> (zh, en)."""

MESSAGES: dict[str, tuple[str, str]] = {
    "cli.serve.help": (
        "在浏览器中提供调研员终端（textual-serve）。默认只监听本机 127.0.0.1；"
        "远程调研员使用时加 --host 0.0.0.0（或本机的内网地址），并只在内网或经 HTTPS 反向代理开放。"
        "每个浏览器连接都从登录界面开始：没有账号的人进不去。页面不从外网加载任何内容。",
        "Serve the caller TUI to browsers (textual-serve). Listens on 127.0.0.1 only by "
        "default; for remote callers use --host 0.0.0.0 (or this machine's internal "
        "address) and open it only on the internal network or behind an HTTPS reverse "
        "proxy. Every browser connection starts at the log-in screen: nobody gets in "
        "without an account. The page loads nothing from outside this server.",
    ),
    "cli.serve.host": (
        "监听地址（默认仅本机；0.0.0.0 表示所有网卡）",
        "address to listen on (this machine only by default; 0.0.0.0: every interface)",
    ),
    "cli.serve.port": ("监听端口", "port to listen on"),
    "cli.serve.public_url": (
        "调研员浏览器访问的地址（经反向代理时填写，如 https://cati.example.cn）；"
        "默认取浏览器请求中的地址",
        "the address callers' browsers use (behind a reverse proxy, e.g. "
        "https://cati.example.cn); by default the one each request came to",
    ),
    "serve.listening": (
        "调研员终端已在 {url} 提供（每个浏览器连接一个独立会话，从登录界面开始）",
        "Caller terminal served on {url} (one session per browser connection, "
        "starting at the log-in screen)",
    ),
    "serve.remote_warning": (
        "注意：正在监听 {host}，其他电脑可以访问。连接未加密：只在内网开放，"
        "或放在 HTTPS 反向代理之后。",
        "Note: listening on {host}, reachable from other computers. The connection is "
        "not encrypted: open it on the internal network only, or behind an HTTPS "
        "reverse proxy.",
    ),
    "serve.stop_hint": ("按 Ctrl+C 停止。", "Press Ctrl+C to stop."),
    "serve.page.title": ("调研员终端", "Caller terminal"),
    "serve.page.connecting": ("正在连接调研员终端……", "Connecting to the caller terminal…"),
    "serve.page.start": ("开始", "Start"),
    "serve.page.ended": ("会话已结束。", "Session ended."),
    "serve.page.restart": ("重新连接", "Connect again"),
    "serve.page.noscript": (
        "调研员终端需要启用 JavaScript。",
        "The caller terminal needs JavaScript.",
    ),
}
