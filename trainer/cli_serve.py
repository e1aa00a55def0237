"""`trainer serve`: the app in a browser, with guards for a server others can reach.

textual-serve starts one app process for every websocket that connects to `/ws`. Left as it
is, any web page a person visits could open that websocket from their browser (cross-site
websocket hijacking), and any number of connections start any number of processes. So the
server here refuses, before a process starts, a websocket whose `Origin` is not the server's
own or one allowed (`--allow-origin`, for a reverse proxy), and one beyond the session limit
(`--max-sessions`). The first-run setup is never offered to a browser: each app process is
started with `--served`, and then shows how to create the organisation on the host instead.
"""

from __future__ import annotations

import html
import ipaddress
import logging
import os
import shlex
import sys
import urllib.parse
from typing import Any

from aiohttp import web
from textual_serve.server import Server

from trainer.cli import CommandError
from trainer.i18n import Translator
from trainer.services.context import open_context
from trainer.settings import Settings, web_origin

log = logging.getLogger("trainer.serve")

LOOPBACK_NAMES = ("localhost", "127.0.0.1", "::1")


def beyond_loopback(host: str) -> bool:
    """Whether listening on `host` lets other machines connect: anything but a loopback
    address or `localhost` (an empty host or 0.0.0.0 is every interface; another name may
    resolve to any address)."""
    if host.lower().rstrip(".") == "localhost":
        return False
    try:
        return not ipaddress.ip_address(host.strip("[]")).is_loopback
    except ValueError:
        return True


def own_origins(host: str, port: int) -> frozenset[str]:
    """The origins of the server's own pages: `http://host:port`, and on loopback the same
    port under each loopback name (a page opened at localhost may connect to 127.0.0.1)."""
    names = {host}
    if not beyond_loopback(host):
        names.update(LOOPBACK_NAMES)
    origins = (web_origin(f"http://{_in_url(name)}:{port}") for name in names)
    return frozenset(origin for origin in origins if origin is not None)


def origin_allowed(origin: str | None, host_header: str | None, allowed: frozenset[str]) -> bool:
    """Whether a page from `origin` may open a session on the server reached as
    `host_header`. Browsers always send `Origin` on a websocket, so a missing one is refused.

    Beyond `allowed`, a page is the server's own when its origin is the very address the
    browser connected to, and that address is an IP address (a server on 0.0.0.0 reached as
    http://10.0.0.5:8000). A host name is not enough: a name the server was not told about is
    what a DNS-rebinding page would send.
    """
    normal = web_origin(origin) if origin else None
    if normal is None:
        return False
    if normal in allowed:
        return True
    if not host_header or normal != web_origin(f"http://{host_header}"):
        return False
    return _is_address(urllib.parse.urlsplit(normal).hostname or "")


def _is_address(host: str) -> bool:
    try:
        ipaddress.ip_address(host)
    except ValueError:
        return False
    return True


def _in_url(host: str) -> str:
    return f"[{host}]" if ":" in host else host


class GuardedServer(Server):
    """textual-serve's Server with its websocket behind the origin check and the session
    limit. textual-serve has no hook for either, so this overrides its two route handlers,
    `handle_websocket` (the only route that starts a process) and `handle_index` (to say
    "full" on the page itself rather than as a broken terminal); the rest is textual-serve's.
    """

    def __init__(
        self,
        command: str,
        *,
        host: str,
        port: int,
        allowed_origins: list[str],
        max_sessions: int,
        tr: Translator,
    ) -> None:
        # Behind a reverse proxy the page must name the proxy's address for its websocket
        # and its scripts, not the loopback one this server listens on.
        public_url = allowed_origins[0] if allowed_origins else None
        super().__init__(command, host=host, port=port, title="trainer", public_url=public_url)
        # Listening on every address (0.0.0.0, ::), the page cannot name one: it names the
        # address the browser used (the origin check still decides who may connect).
        self.public_url_from_request = public_url is None and host in ("0.0.0.0", "::", "")
        self.allowed_origins = own_origins(host, port) | frozenset(allowed_origins)
        self.max_sessions = max_sessions
        self.sessions = 0
        """Websockets open now, each with its app process."""
        self.tr = tr

    async def handle_websocket(self, request: web.Request) -> web.WebSocketResponse:
        origin = request.headers.get("Origin")
        if not origin_allowed(origin, request.host, self.allowed_origins):
            sentence = self.tr("serve.foreign_origin", origin=origin or "?")
            log.warning(sentence)
            raise web.HTTPForbidden(text=sentence)
        if self.sessions >= self.max_sessions:
            sentence = self.tr("serve.full", limit=self.max_sessions)
            log.warning(sentence)
            raise web.HTTPServiceUnavailable(text=sentence)
        # counted before the first await, so two connections cannot both take the last place
        self.sessions += 1
        try:
            return await super().handle_websocket(request)
        finally:
            self.sessions -= 1

    async def handle_index(self, request: web.Request) -> Any:
        if self.sessions >= self.max_sessions:
            raise web.HTTPServiceUnavailable(
                text=_page(
                    self.tr.lang,
                    self.tr("serve.full_title"),
                    self.tr("serve.full", limit=self.max_sessions),
                ),
                content_type="text/html",
            )
        if self.public_url_from_request:
            # set and used before the template's first await: no other request interleaves
            self.public_url = f"{request.scheme}://{request.host}"
        return await super().handle_index(request)


def _page(lang: str, title: str, sentence: str) -> str:
    return (
        f'<!DOCTYPE html>\n<html lang="{lang}"><head><meta charset="utf-8">'
        f"<title>{html.escape(title)}</title></head>\n"
        f"<body><p>{html.escape(sentence)}</p></body></html>\n"
    )


def serve_command(settings: Settings, host: str, port: int, tr: Translator) -> int:
    """Serve the app with textual-serve: each browser tab runs `trainer` on this host, on the
    same data folder, so a team shares one place; people still sign in one by one."""
    if not 1 <= port <= 65535:
        raise CommandError(tr("cli.bad_port", port=port), status=2)
    directory = open_context(settings).directory
    directory.people()  # report a damaged roster now, not in each tab
    command = [
        sys.executable,
        "-m",
        "trainer",
        "--data",
        str(settings.data_dir),
        "--lang",
        settings.language,
        "--served",
    ]
    for root in settings.content_roots:
        command += ["--content", str(root)]
    print(tr("cli.serving", url=f"http://{_in_url(host)}:{port}", data=settings.data_dir))
    if beyond_loopback(host):
        print(tr("serve.beyond_loopback", host=host, port=port), file=sys.stderr)
    if directory.needs_setup():
        print(tr("serve.needs_organisation"), file=sys.stderr)
    sys.stdout.flush()
    # `exec`: the shell textual-serve starts each session with becomes the app, one process
    # a session rather than two
    server = GuardedServer(
        "exec " + shlex.join(command),
        host=host,
        port=port,
        allowed_origins=settings.serve_allowed_origins,
        max_sessions=settings.serve_max_sessions,
        tr=tr,
    )
    try:
        server.serve()
    except OSError as error:  # the port is taken, or the address is not this machine's
        reason = os.strerror(error.errno) if error.errno else str(error)
        raise CommandError(tr("serve.cannot_listen", host=host, port=port, reason=reason)) from None
    return 0
