"""The proof desk's web side: a read-only Starlette app that shows what the builds publish.

    GET /                    the desk (layout/app/static/desk.html, its script and style beside it)
    GET /static/NAME         the desk's own script and style, from the package
    GET /events              server-sent events: the desk's state now, then each build's as it comes
    GET /state               the same state once, as JSON
    GET /proof/PAGE/N.png    build N's proof of a page, kept in memory (what that build's outlines fit)
    GET /files/ROOT/PATH     a file of the page's folder or of the outputs folder, and nothing else

No route accepts a write (anything but GET and HEAD is 405). Every response carries a
Content-Security-Policy that lets the page load only from this server (nothing from the internet:
the desk's script, style and any font come from the package) and frame nothing. The Host header
must name this server (a page on another site cannot reach the desk through DNS rebinding). With a
token (always when the desk listens beyond this machine), every request must carry it: `?token=`
once, which sets a cookie for this port and redirects to the address without it, or that cookie;
compared in constant time.

`/files` serves a path inside one of its roots only: every segment a plain name (no `..`, `.`,
empty, hidden `.name`, backslash or NUL, after URL decoding), the real path (symlinks resolved)
still inside the root's real path, a regular file. Anything else is 404, the same answer as a
missing file. Files that a browser could run (HTML, SVG, scripts) are sent as plain text, in a
sandbox.
"""

from __future__ import annotations

import asyncio
import hmac
import importlib.resources
import json
import os
import threading
from http.cookies import SimpleCookie
from urllib.parse import parse_qsl, urlencode

CSP = ("default-src 'none'; script-src 'self'; style-src 'self'; img-src 'self' data:; connect-src 'self'; "
       "font-src 'self'; base-uri 'none'; form-action 'none'; frame-ancestors 'none'")
HEADERS = [(b"content-security-policy", CSP.encode()), (b"x-content-type-options", b"nosniff"),
           (b"referrer-policy", b"no-referrer"), (b"x-frame-options", b"DENY"),
           (b"cross-origin-resource-policy", b"same-origin")]
# What /files sends as itself; everything else goes as plain text or a download.
SHOWN = {".pdf": "application/pdf", ".png": "image/png", ".jpg": "image/jpeg", ".jpeg": "image/jpeg",
         ".json": "application/json"}
TEXT = {".yaml", ".yml", ".txt", ".md", ".xml", ".csv"}
STATIC = {"desk.html": "text/html; charset=utf-8", "desk.js": "text/javascript; charset=utf-8",
          "desk.css": "text/css; charset=utf-8"}
KEEP_PROOFS = 3  # proofs kept per page: the one shown and those a slow browser may still be loading


def confined(root: str, rel: str) -> str | None:
    """The real path of `rel` inside `root`, or None when `rel` is not a plain relative path to a
    regular file that stays inside `root` (symlinks resolved)."""
    if not rel or "\0" in rel or "\\" in rel or rel.startswith("/"):
        return None
    parts = rel.split("/")
    if any(p in ("", ".", "..") or p.startswith(".") for p in parts):
        return None
    real_root = os.path.realpath(root)
    path = os.path.realpath(os.path.join(real_root, *parts))
    if os.path.commonpath([path, real_root]) != real_root or not os.path.isfile(path):
        return None
    return path


def static_bytes(name: str) -> bytes:
    return importlib.resources.files("layout.app").joinpath("static", name).read_bytes()


class Hub:
    """The desk's state, shared between the thread that receives the builds and the server's event loop:
    each page's latest state and its last proofs, and the open event streams."""

    def __init__(self, config: dict):
        self.config = config  # what the browser is told once: pages, editor URL scheme, roots
        self._lock = threading.Lock()
        self._states: dict[str, dict] = {}
        self._proofs: dict[str, dict[int, bytes]] = {}
        self._streams: set[asyncio.Queue] = set()
        self.loop: asyncio.AbstractEventLoop | None = None
        self.closed = False

    def publish(self, page: str, state: dict, proof: bytes | None = None) -> None:
        """A build's state for `page` (and its proof, as /proof/PAGE/VERSION.png), sent to every stream."""
        with self._lock:
            if proof is not None:
                kept = self._proofs.setdefault(page, {})
                kept[state["version"]] = proof
                for old in sorted(kept)[:-KEEP_PROOFS]:
                    del kept[old]
            self._states[page] = state
            streams = list(self._streams)
            loop = self.loop
        message = json.dumps({"type": "page", "page": page, "state": state}, ensure_ascii=False)
        if loop is not None:
            for q in streams:
                loop.call_soon_threadsafe(q.put_nowait, message)

    def snapshot(self) -> dict:
        with self._lock:
            return {"type": "desk", "config": self.config, "pages": dict(self._states)}

    def proof(self, page: str, version: int) -> bytes | None:
        with self._lock:
            return self._proofs.get(page, {}).get(version)

    def subscribe(self) -> asyncio.Queue:
        q: asyncio.Queue = asyncio.Queue()
        with self._lock:
            self._streams.add(q)
        return q

    def unsubscribe(self, q: asyncio.Queue) -> None:
        with self._lock:
            self._streams.discard(q)

    def close(self) -> None:
        """End every event stream (the server is stopping)."""
        with self._lock:
            self.closed = True
            streams, loop = list(self._streams), self.loop
        if loop is not None:
            for q in streams:
                loop.call_soon_threadsafe(q.put_nowait, None)


def desk_app(hub: Hub, roots: dict[str, str], token: str | None, hosts: set[str] | None, port_name: str = ""):
    """The ASGI app. `roots`: name → folder that /files/NAME/… may serve from; `token`: required on
    every request when set; `hosts`: the Host header values accepted (None: any, when a token guards)."""
    from starlette.applications import Starlette
    from starlette.responses import FileResponse, JSONResponse, PlainTextResponse, Response, StreamingResponse
    from starlette.routing import Route

    async def index(request):
        return Response(static_bytes("desk.html"), media_type=STATIC["desk.html"], headers={"cache-control": "no-store"})

    async def static(request):
        name = request.path_params["name"]
        if name not in STATIC:
            return PlainTextResponse("not found", 404)
        return Response(static_bytes(name), media_type=STATIC[name], headers={"cache-control": "no-cache"})

    async def state(request):
        return JSONResponse(hub.snapshot(), headers={"cache-control": "no-store"})

    async def events(request):
        q = hub.subscribe()

        async def stream():
            try:
                yield "retry: 500\n\n"
                yield _sse(json.dumps(hub.snapshot(), ensure_ascii=False))
                while not hub.closed:
                    try:
                        message = await asyncio.wait_for(q.get(), timeout=15)
                    except asyncio.TimeoutError:
                        yield ": still here\n\n"  # keeps proxies and idle timers from closing the stream
                        continue
                    if message is None:
                        return
                    yield _sse(message)
            finally:
                hub.unsubscribe(q)

        return StreamingResponse(stream(), media_type="text/event-stream",
                                 headers={"cache-control": "no-store", "x-accel-buffering": "no"})

    async def proof(request):
        try:
            version = int(request.path_params["version"])
        except ValueError:
            return PlainTextResponse("not found", 404)
        data = hub.proof(request.path_params["page"], version)
        if data is None:
            return PlainTextResponse("not found", 404)
        return Response(data, media_type="image/png", headers={"cache-control": "private, max-age=31536000, immutable"})

    async def files(request):
        root = roots.get(request.path_params["root"])
        path = confined(root, request.path_params["path"]) if root else None
        if path is None:
            return PlainTextResponse("not found", 404)
        ext = os.path.splitext(path)[1].lower()
        headers = {"cache-control": "no-cache", "content-security-policy": "sandbox; default-src 'none'"}
        if ext in SHOWN:
            return FileResponse(path, media_type=SHOWN[ext], headers=headers, content_disposition_type="inline")
        if ext in TEXT:
            return FileResponse(path, media_type="text/plain; charset=utf-8", headers=headers)
        return FileResponse(path, media_type="application/octet-stream", filename=os.path.basename(path),
                            headers=headers)

    routes = [Route("/", index), Route("/static/{name}", static), Route("/state", state), Route("/events", events),
              Route("/proof/{page}/{version}.png", proof), Route("/files/{root}/{path:path}", files)]
    app = Starlette(routes=routes)
    return _Guard(app, token, hosts, f"zhpaper_desk{port_name}")


def _sse(data: str) -> str:
    return "".join(f"data: {line}\n" for line in data.split("\n")) + "\n"


class _Guard:
    """ASGI middleware in front of the app: Host check, token check, security headers on every answer."""

    def __init__(self, app, token: str | None, hosts: set[str] | None, cookie: str):
        self.app, self.token, self.hosts, self.cookie = app, token, hosts, cookie

    async def __call__(self, scope, receive, send):
        if scope["type"] != "http":
            return await self.app(scope, receive, send)

        async def send_headers(message):
            if message["type"] == "http.response.start":
                names = {k.lower() for k, _ in message.get("headers", [])}
                message["headers"] = list(message.get("headers", [])) + [h for h in HEADERS if h[0] not in names]
            await send(message)

        headers = {k.decode("latin-1").lower(): v.decode("latin-1") for k, v in scope.get("headers", [])}
        if self.hosts is not None and headers.get("host", "") not in self.hosts:
            return await _answer(send_headers, 421, b"this desk answers only to its own address")
        if self.token:
            query = dict(parse_qsl(scope.get("query_string", b"").decode("latin-1")))
            given = query.get("token")
            if given is not None:
                if not self._same(given):
                    return await _answer(send_headers, 403, b"wrong token")
                rest = urlencode({k: v for k, v in query.items() if k != "token"})
                target = scope.get("root_path", "") + scope["path"] + (f"?{rest}" if rest else "")
                cookie = f"{self.cookie}={self.token}; Path=/; HttpOnly; SameSite=Strict"
                return await _answer(send_headers, 303, b"", [(b"location", target.encode()),
                                                              (b"set-cookie", cookie.encode())])
            jar = SimpleCookie()
            try:
                jar.load(headers.get("cookie", ""))
            except Exception:
                jar = SimpleCookie()
            held = jar.get(self.cookie)
            if held is None or not self._same(held.value):
                return await _answer(send_headers, 403, b"this desk needs its token: open the address it printed")
        return await self.app(scope, receive, send_headers)

    def _same(self, given: str) -> bool:
        return hmac.compare_digest(given.encode(), self.token.encode())


async def _answer(send, status: int, body: bytes, headers: list | None = None) -> None:
    await send({"type": "http.response.start", "status": status,
                "headers": [(b"content-type", b"text/plain; charset=utf-8"),
                            (b"content-length", str(len(body)).encode()), *(headers or [])]})
    await send({"type": "http.response.body", "body": body})
