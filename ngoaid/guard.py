"""What a request must show before the server acts on it, and where the server may listen at all.

The threat is a web page the user happens to open while the server runs on their machine or their
network. Such a page can make the browser send a request to ``http://127.0.0.1:8000`` (a form post
needs no permission), and with DNS rebinding a name the page controls can point at the server. So:

* every request must name the server by a host it answers for (``Host``): loopback names, the
  address it listens on, and those set in ``NGOAID_ALLOWED_HOSTS``; others get 421;
* every request that does something (POST, PUT, PATCH, DELETE) coming from a page must come from the
  server's own pages: an ``Origin`` (or, without one, a ``Referer``) naming another site gets 403.
  Requests with neither (curl, scripts) are not from a page and go on to the token rules;
* the server does not listen beyond the machine without a token for writes, unless told to.

Starlette's TrustedHostMiddleware checks hosts too; it is not used because it answers in plain text
with status 400, where this API answers every error as JSON with a message naming the setting to
change.
"""

from __future__ import annotations

import ipaddress
import logging
import socket
import uuid
from urllib.parse import urlsplit

from fastapi import FastAPI, Request
from fastapi.responses import JSONResponse

from assistant.settings import Settings
from index.audit import Actor

log = logging.getLogger("ngoaid.server")

LOOPBACK_NAMES = frozenset({"localhost", "127.0.0.1", "::1"})
WILDCARDS = frozenset({"0.0.0.0", "::", ""})
UNSAFE_METHODS = frozenset({"POST", "PUT", "PATCH", "DELETE"})
REQUEST_ID_HEADER = "X-Request-ID"


def is_loopback(host: str) -> bool:
    host = host.strip("[]").lower()
    if host in LOOPBACK_NAMES or host.endswith(".localhost"):
        return True
    try:
        return ipaddress.ip_address(host).is_loopback
    except ValueError:
        return False


def exposure_problem(settings: Settings) -> str | None:
    """Why the server must not start as set up, or None: writes open to a network."""
    if is_loopback(settings.host) or settings.api_token or settings.open_writes:
        return None
    return (
        f"refusing to serve on {settings.host}: anyone who can reach it could add and remove documents. "
        "Set a token for writes (NGOAID_API_TOKEN=<a long random string>; clients then send "
        "'Authorization: Bearer <token>'), or serve on 127.0.0.1. To serve open writes anyway, "
        "add --open-writes (NGOAID_OPEN_WRITES=1)."
    )


def allowed_hosts(settings: Settings) -> frozenset[str] | None:
    """The host names the server answers for (lower case, no port); None when any is accepted.

    Loopback names always; the address it listens on; ``allowed_hosts`` from the settings. On a
    wildcard address (0.0.0.0) also the machine's own name and the addresses it resolves to, so
    that a colleague who types the machine's name or address reaches it."""
    extra = {h.strip().lower().strip("[]") for h in (settings.allowed_hosts or "").split(",") if h.strip()}
    if "*" in extra:
        return None
    names = set(LOOPBACK_NAMES) | extra
    host = settings.host.strip("[]").lower()
    if host in WILDCARDS:
        names |= _own_names()
    else:
        names.add(host)
    return frozenset(names)


def _own_names() -> set[str]:
    names = {socket.gethostname().lower(), socket.getfqdn().lower()}
    try:
        names |= {str(info[4][0]).lower() for info in socket.getaddrinfo(socket.gethostname(), None)}
    except OSError:
        pass
    return names


def host_of(netloc: str) -> str:
    """``name:port`` or ``[v6]:port`` -> the name, lower case."""
    netloc = netloc.strip().lower()
    if netloc.startswith("["):
        return netloc[1 : netloc.find("]")] if "]" in netloc else netloc
    return netloc.rsplit(":", 1)[0] if netloc.count(":") == 1 else netloc


def _netloc(value: str, default_port: int) -> tuple[str, int] | None:
    """(host, port) of a ``Host`` value or a URL's authority; None when it cannot be read."""
    try:
        parts = urlsplit(value if "//" in value else f"//{value}")
        return (parts.hostname or "", parts.port or default_port) if parts.hostname else None
    except ValueError:
        return None


def foreign_page(request: Request) -> str | None:
    """The site a browser says a request comes from, when that is not this server; else None.
    ``Origin`` is what browsers send with every cross-site POST; ``Referer`` is the fallback for
    older ones. ``Origin: null`` (a sandboxed frame, a local file) is never this server."""
    origin = request.headers.get("origin")
    source = origin if origin is not None else request.headers.get("referer")
    if source is None:
        return None
    if source.strip().lower() == "null":
        return "null"
    try:
        parts = urlsplit(source)
    except ValueError:  # not a URL a browser would send
        return source
    scheme = parts.scheme.lower()
    own = _netloc(request.headers.get("host", ""), 443 if scheme == "https" else 80)
    theirs = _netloc(source, 443 if scheme == "https" else 80) if scheme in ("http", "https") else None
    if own is None or theirs is None or own != theirs:
        return source if origin is not None else f"{parts.scheme}://{parts.netloc}"
    return None


def install(app: FastAPI, settings: Settings) -> None:
    """The checks, outermost of the app's middleware: a refused request costs nothing else."""
    hosts = allowed_hosts(settings)

    @app.middleware("http")
    async def guard(request: Request, call_next):
        request_id = uuid.uuid4().hex[:16]
        request.state.request_id = request_id
        header = request.headers.get("host")
        if header is None:
            response = JSONResponse({"error": "the request has no Host header"}, status_code=400)
        elif hosts is not None and host_of(header) not in hosts:
            log.warning("refused a request for host %r from %s", header[:100], client_key(request))
            response = JSONResponse({"error": _unknown_host(header, hosts)}, status_code=421)
        elif request.method in UNSAFE_METHODS and (page := foreign_page(request)) is not None:
            log.warning("refused %s %s from a page of %r (client %s)", request.method, request.url.path, page[:100], client_key(request))
            _record_refusal(request, page)
            response = JSONResponse(
                {"error": f"refused: this request comes from a page of another site ({page[:100]}); "
                          "only this server's own pages, or clients that are not browsers, may send it"},
                status_code=403,
            )  # fmt: skip
        else:
            response = await call_next(request)
        response.headers[REQUEST_ID_HEADER] = request_id
        return response


def _unknown_host(header: str, hosts: frozenset[str]) -> str:
    shown = ", ".join(sorted(hosts)[:8])
    return (
        f"this server does not answer for the host {header[:100]!r} (it answers for {shown}). "
        "If people reach it by that name, add it to NGOAID_ALLOWED_HOSTS."
    )


def actor_of(request: Request) -> Actor:
    """Who an API request is, for the audit log: its client address and the ID sent back with it."""
    return Actor(client_key(request), "api", getattr(request.state, "request_id", None))


def client_key(request: Request) -> str:
    """Who a request is, for the rate limit and the audit log: the address it comes from. Behind a
    reverse proxy every client shares the proxy's address; see SECURITY.md."""
    return request.client.host if request.client else "unknown"


def _record_refusal(request: Request, page: str) -> None:
    """A write route refused for its origin goes into the audit log; other refused requests (a
    question, the chat page's events) only into the server log."""
    if not request.url.path.startswith("/documents"):
        return
    services = getattr(request.app.state, "services", None)
    if services is None:
        return
    action = "remove" if request.method == "DELETE" else "add"
    services.refused(actor_of(request), action, None, f"a page of another site ({page[:100]})")
