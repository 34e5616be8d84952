"""The proof desk's web side as an attacker or a stray browser meets it: a real uvicorn server on
127.0.0.1 serving layout.app.deskweb's app over a page folder and an outputs folder, asked with raw
HTTP requests (http.client sends the path exactly as written: no client tidies `..` away)."""

from __future__ import annotations

import asyncio
import http.client
import os
import re
import socket
import threading

import pytest

from layout.app import deskweb
from layout.app.desk import needs_token

SECRET = "the-secret-next-door"


def plain(app):
    """`app` behind a plain coroutine function, as uvicorn is given it here. uvicorn's Config.load() calls
    the app once with no arguments to tell an app factory from an app: a `_Guard` raises TypeError (its
    `__call__` wants scope, receive, send), so uvicorn keeps it as the app. Under mutmut, `_Guard.__call__`
    is mutmut's `async def wrapper(*args, **kwargs)`, which takes the empty call and returns a coroutine:
    uvicorn would take that coroutine for the app (an ASGI 2 one) and answer every request 500 with
    "TypeError: 'coroutine' object is not callable". A function with the three parameters keeps the
    probe's TypeError; it only passes each request on."""

    async def asgi(scope, receive, send):
        await app(scope, receive, send)

    return asgi


class Served:
    def __init__(self, tmp, token=None):
        self.page, self.out, outside = tmp / "page", tmp / "out", tmp / "outside"
        for d in (self.page, self.out, outside, self.page / "sub"):
            d.mkdir(parents=True, exist_ok=True)
        (outside / "secret.txt").write_text(SECRET)
        (self.page / "page.yaml").write_text("headline: {main: 标题}\n", encoding="utf-8")
        (self.page / "sub" / "story.yaml").write_text("headline: {main: 另一}\n", encoding="utf-8")
        (self.page / ".hidden.yaml").write_text(SECRET)
        (self.page / "evil.html").write_text("<script>alert(1)</script>")
        os.symlink(outside / "secret.txt", self.page / "link-out.txt")
        os.symlink(outside, self.page / "dir-out")
        os.symlink(self.page / "page.yaml", self.page / "link-in.yaml")
        (self.out / "page.png").write_bytes(b"\x89PNG\r\n\x1a\n")
        self.hub = deskweb.Hub({"pages": [{"id": "page", "name": "page.yaml"}], "editor_url": None, "roots": {}})
        self.hub.publish("page", {"id": "page", "version": 1}, b"\x89PNG-proof")
        sock = socket.socket()
        sock.bind(("127.0.0.1", 0))
        sock.listen(16)  # connections wait for the server's loop instead of being refused
        self.port = sock.getsockname()[1]
        hosts = {f"127.0.0.1:{self.port}", f"localhost:{self.port}"}
        app = deskweb.desk_app(self.hub, {"page": str(self.page), "out": str(self.out)}, token, hosts, f"_{self.port}")
        import uvicorn

        self.server = uvicorn.Server(uvicorn.Config(plain(app), log_level="error", lifespan="off", timeout_graceful_shutdown=1))
        started = threading.Event()

        async def go():
            self.hub.loop = asyncio.get_running_loop()
            started.set()
            await self.server.serve(sockets=[sock])

        self.thread = threading.Thread(target=asyncio.run, args=(go(),), daemon=True)
        self.thread.start()
        started.wait(5)

    def get(self, path, method="GET", headers=None, body=None):
        c = http.client.HTTPConnection("127.0.0.1", self.port, timeout=10)
        c.request(method, path, body=body, headers={"Host": f"127.0.0.1:{self.port}", **(headers or {})})
        r = c.getresponse()
        data = r.read()
        c.close()
        return r, data

    def close(self):
        self.hub.close()
        self.server.should_exit = True
        self.thread.join(5)


@pytest.fixture(scope="module")
def served(tmp_path_factory):
    s = Served(tmp_path_factory.mktemp("desk-web"))
    yield s
    s.close()


@pytest.fixture(scope="module")
def guarded(tmp_path_factory):
    s = Served(tmp_path_factory.mktemp("desk-web-token"), token="s3cret-token")
    yield s
    s.close()


@pytest.mark.parametrize("path", [
    "/files/page/../outside/secret.txt", "/files/page/%2e%2e/outside/secret.txt", "/files/page/..%2foutside%2fsecret.txt",
    "/files/page/%2E%2E%2Foutside%2Fsecret.txt", "/files/page/sub/../../outside/secret.txt",
    "/files/out/../outside/secret.txt", "/files/page//etc/passwd", "/files/page/%2Fetc%2Fpasswd", "/files/page/%2fetc/passwd",
    "/files/page/..%5coutside%5csecret.txt", "/files/page/page.yaml%00.png", "/files/page/link-out.txt",
    "/files/page/dir-out/secret.txt", "/files/page/.hidden.yaml", "/files/page/%2ehidden.yaml", "/files/page/./page.yaml",
    "/files/elsewhere/page.yaml", "/files/page/", "/files/page/sub", "/files/page/%252e%252e/outside/secret.txt",
    "/static/../../outside/secret.txt", "/static/desk.py", "/proof/page/../../x.png", "/proof/page/2.png",
    "/../outside/secret.txt", "/etc/passwd",
])
def test_nothing_outside_the_page_folder_and_the_outputs_is_served(served, path):
    r, data = served.get(path)
    assert r.status == 404, (path, r.status)
    assert SECRET.encode() not in data and b"root:" not in data


def test_the_page_folder_and_the_outputs_are_served(served):
    r, data = served.get("/files/page/page.yaml")
    assert r.status == 200 and r.getheader("content-type") == "text/plain; charset=utf-8" and "标题".encode() in data
    assert served.get("/files/page/sub/story.yaml")[0].status == 200
    assert served.get("/files/page/link-in.yaml")[0].status == 200  # a symlink that stays inside
    r, data = served.get("/files/out/page.png")
    assert r.status == 200 and r.getheader("content-type") == "image/png"
    r, data = served.get("/proof/page/1.png")
    assert r.status == 200 and data == b"\x89PNG-proof"


def test_a_file_a_browser_could_run_is_not_run(served):
    r, data = served.get("/files/page/evil.html")
    assert r.status == 200 and "text/html" not in r.getheader("content-type")
    assert "attachment" in r.getheader("content-disposition") and "sandbox" in r.getheader("content-security-policy")


@pytest.mark.parametrize("method", ["POST", "PUT", "DELETE", "PATCH"])
def test_no_route_accepts_a_write(served, method):
    before = (served.page / "page.yaml").read_bytes()
    for path in ("/", "/state", "/events", "/static/desk.js", "/proof/page/1.png", "/files/page/page.yaml",
                 "/files/page/new.yaml"):
        r, _ = served.get(path, method, body=b"headline: {main: x}\n")
        assert r.status == 405, (method, path, r.status)
    assert (served.page / "page.yaml").read_bytes() == before and not (served.page / "new.yaml").exists()


def test_every_answer_says_load_nothing_from_elsewhere(served):
    for path in ("/", "/static/desk.js", "/state", "/files/page/page.yaml", "/nowhere"):
        r, _ = served.get(path)
        csp = r.getheader("content-security-policy")
        assert "default-src 'none'" in csp or "sandbox" in csp, path
        assert r.getheader("x-content-type-options") == "nosniff"
    r, _ = served.get("/")
    assert "script-src 'self'" in r.getheader("content-security-policy")
    r, _ = served.get("/files/page/nope", "POST")
    assert r.getheader("content-security-policy")


def test_the_desk_itself_names_no_other_host():
    for name in deskweb.STATIC:
        text = deskweb.static_bytes(name).decode()
        assert not re.search(r"(https?:)?//[a-z0-9.-]+\.[a-z]{2,}", text, re.I), name
        assert "@import" not in text and "url(http" not in text


def test_another_host_name_is_refused(served):
    r, _ = served.get("/", headers={"Host": f"attacker.example:{served.port}"})
    assert r.status == 421
    r, _ = served.get("/", headers={"Host": f"localhost:{served.port}"})
    assert r.status == 200


def test_with_a_token_every_request_needs_it(guarded):
    for path in ("/", "/state", "/events", "/static/desk.js", "/files/page/page.yaml", "/proof/page/1.png"):
        assert guarded.get(path)[0].status == 403, path
    assert guarded.get("/?token=wrong")[0].status == 403
    assert guarded.get("/?token=s3cret-token-and-more")[0].status == 403
    r, _ = guarded.get("/?token=s3cret-token")
    assert r.status == 303 and r.getheader("location") == "/"  # the token leaves the address bar
    cookie = r.getheader("set-cookie")
    assert "HttpOnly" in cookie and "SameSite=Strict" in cookie
    name = cookie.split("=")[0]
    assert guarded.get("/files/page/page.yaml", headers={"Cookie": f"{name}=s3cret-token"})[0].status == 200
    assert guarded.get("/files/page/page.yaml", headers={"Cookie": f"{name}=s3cret-tokeN"})[0].status == 403
    assert guarded.get("/files/page/page.yaml?token=s3cret-token")[0].status == 303


def test_only_this_machine_goes_without_a_token():
    assert not needs_token("127.0.0.1") and not needs_token("::1") and not needs_token("localhost")
    assert not needs_token("127.0.0.2")
    assert needs_token("0.0.0.0") and needs_token("192.168.1.20") and needs_token("::") and needs_token("desk.example")


def test_the_event_stream_sends_the_state_then_each_publish(served):
    c = http.client.HTTPConnection("127.0.0.1", served.port, timeout=10)
    c.request("GET", "/events", headers={"Host": f"127.0.0.1:{served.port}"})
    r = c.getresponse()
    assert r.status == 200 and r.getheader("content-type").startswith("text/event-stream")

    def event():
        lines = []
        while True:
            line = r.fp.readline().decode()
            if line == "\n" and lines:
                return "".join(lines)
            if line.startswith("data: "):
                lines.append(line[6:].rstrip("\n"))

    assert '"type": "desk"' in event()
    served.hub.publish("page", {"id": "page", "version": 2}, b"\x89PNG-two")
    got = event()
    assert '"type": "page"' in got and '"version": 2' in got
    c.close()


def test_a_refusal_is_a_short_plain_text_answer(served, guarded):
    r, data = served.get("/", headers={"Host": f"attacker.example:{served.port}"})
    assert r.status == 421 and r.getheader("content-type") == "text/plain; charset=utf-8"
    assert data == b"this desk answers only to its own address" and r.getheader("content-length") == str(len(data))
    assert "default-src 'none'" in r.getheader("content-security-policy")  # the refusal is guarded too
    r, data = guarded.get("/state")
    assert r.status == 403 and r.getheader("content-type") == "text/plain; charset=utf-8" and b"token" in data


def test_confined_gives_the_real_path_of_a_plain_name_and_nothing_else(tmp_path):
    (tmp_path / "sub").mkdir()
    (tmp_path / "sub" / "page.yaml").write_text("a: 1\n")
    (tmp_path / "back\\slash.yaml").write_text("a: 1\n")  # a legal name on this system, but no plain one
    assert deskweb.confined(str(tmp_path), "sub/page.yaml") == os.path.realpath(tmp_path / "sub" / "page.yaml")
    assert deskweb.confined(str(tmp_path), "back\\slash.yaml") is None
    assert deskweb.confined(str(tmp_path), "sub\\page.yaml") is None
    assert deskweb.confined(str(tmp_path), "/" + str(tmp_path / "sub" / "page.yaml").lstrip("/")) is None
    assert deskweb.confined(str(tmp_path), "sub") is None and deskweb.confined(str(tmp_path), "sub/none.yaml") is None


def test_a_download_keeps_its_own_name(served):
    r, _ = served.get("/files/page/evil.html")
    assert r.status == 200 and r.getheader("content-type") == "application/octet-stream"
    assert 'filename="evil.html"' in r.getheader("content-disposition")
