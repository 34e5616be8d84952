"""`zhpaper serve` in this process: its options, which pages it shows and how it names their files,
the token, what a build publishes, what the terminal says, and the server it forks (on a free port).
tests/test_desk.py drives the whole desk from outside; these call layout.app.desk directly."""

from __future__ import annotations

import http.client
import json
import os
import signal
import socket
import threading
import time

import pytest

from layout.app import desk, deskweb
from layout.app.desk import Desk, DeskPage, edition_pages, is_edition, needs_token
from layout.pipeline import BuildOptions
from support import ROOT
from test_cache import clean_reportlab_registry  # noqa: F401  (fixture: builds here must not leave their faces)
from test_deskweb import plain
from test_watch import page  # noqa: F401  (fixture: the mini page in its own folder, the shared cache, the display fonts)


def _help(p) -> str:
    return " ".join(p.format_help().split())  # argparse wraps the help to the terminal's width


def test_the_desk_options_and_their_defaults():
    p = desk.parser("zhpaper serve")
    a = p.parse_args([])
    assert (a.target, a.output, a.host, a.port, a.token, a.editor_url, a.quiet) == (
        "article.yaml", "out", "127.0.0.1", 8765, None, None, False)
    a = p.parse_args(["pages/", "-o", "proofs", "--host", "0.0.0.0", "--port", "0", "--token", "t", "-q"])
    assert (a.target, a.output, a.host, a.port, a.token, a.quiet) == ("pages/", "proofs", "0.0.0.0", 0, "t", True)
    shown = _help(p)
    assert "address to listen on (default 127.0.0.1, this machine only); any other needs the token" in shown
    assert "print only the address and errors" in shown
    assert "folder for each page's files, named after the page (default out)" in shown


def test_a_name_or_a_mistyped_address_needs_the_token():
    assert not needs_token("[::1]") and not needs_token("127.0.0.1")
    for host in ("127.0.0.1X", "X127.0.0.1", "[::1]X", "desk.local"):  # not an address: treated as a name
        assert needs_token(host), host


def test_a_page_file_with_a_mistake_or_none_at_all_is_no_edition(tmp_path):
    (tmp_path / "broken.yaml").write_text("pages: [\n", encoding="utf-8")
    (tmp_path / "edition.yaml").write_text("paper: 日报\npages:\n  - {page: 1, file: p.yaml}\n", encoding="utf-8")
    (tmp_path / "page.yaml").write_text("headline: {main: 一}\n", encoding="utf-8")
    assert is_edition(str(tmp_path / "edition.yaml"))
    assert not is_edition(str(tmp_path / "broken.yaml"))
    assert not is_edition(str(tmp_path / "missing.yaml"))
    assert not is_edition(str(tmp_path / "page.yaml"))


def test_a_page_that_takes_a_later_pages_story_comes_after_it(tmp_path):
    (tmp_path / "edition.yaml").write_text(
        "paper: 示例日报\ndate: 2021-01-19\nedition: 7\npages:\n  - {page: 1, name: 要闻, file: one.yaml}\n"
        "  - {page: 2, name: 社会, file: two.yaml}\n  - {page: 3, name: 体育, file: three.yaml}\n", encoding="utf-8")

    def page(name, n, stories):
        (tmp_path / name).write_text(f"edition: {{paper: 示例日报, date: 2021-01-19, page: {n}, page_name: 版}}\nstories:\n{stories}",
                                     encoding="utf-8")

    page("one.yaml", 1, "  - id: b\n    headline: {title: 乙}\n  - id: a\n    continued_from: 3/a\n")
    page("two.yaml", 2, "  - id: c\n    headline: {title: 丙}\n")
    page("three.yaml", 3, "  - id: a\n    continue_to: 1\n    headline: {title: 甲}\n")
    pages, issue = edition_pages(str(tmp_path / "edition.yaml"), str(tmp_path / "out"), BuildOptions())
    assert [p.id for p in pages] == ["p02", "p03", "p01"]  # page 1 waits for page 3's story
    assert [p.number for p in pages] == [2, 3, 1] and pages[2].name == "1 要闻 · one.yaml"
    assert pages[2].opts.out_pdf == str(tmp_path / "out" / "p01.pdf")


def test_an_edition_page_is_built_with_its_own_options_and_the_editions_values(tmp_path):
    from layout.source.edition import plan

    base = BuildOptions(proof_dpi=72, grid=True)
    pages, issue = edition_pages(os.path.join(ROOT, "samples", "edition.yaml"), str(tmp_path), base)
    d = Desk(pages, {}, "127.0.0.1", 0, None, None, issue=issue)
    d.plan = plan(issue)
    p4 = next(p for p in pages if p.number == 4)
    got = d.options(p4)
    assert got.out_pdf == str(tmp_path / "p04.pdf") and got.proof == str(tmp_path / "p04.png") and (got.proof_dpi, got.grid) == (72, True)
    assert (got.edition.paper, got.edition.page, got.edition.page_name) == ("示例日报", 4, "社会")
    assert Desk(pages, {}, "127.0.0.1", 0, None, None).options(p4) is p4.opts  # a desk of pages, no edition


def _serve_args(tmp_path, *extra):
    return desk.parser("zhpaper serve").parse_args([*extra, "-o", str(tmp_path / "out"), "--port", "0"])


def _desk_of(monkeypatch, a) -> Desk:
    seen = []
    monkeypatch.setattr(Desk, "run", lambda self: seen.append(self) or 0)
    assert desk.serve(a) == 0
    return seen[0]


def test_each_page_of_a_folder_writes_its_own_files(tmp_path, monkeypatch):
    folder = tmp_path / "pages"
    folder.mkdir()
    for name in ("a.yaml", "a.yml", "b.yaml"):
        (folder / name).write_text("headline: {main: 一}\nstories: []\n", encoding="utf-8")
    d = _desk_of(monkeypatch, _serve_args(tmp_path, str(folder)))
    out = tmp_path / "out"
    assert [(p.id, p.name) for p in d.pages] == [("a", "a.yaml"), ("a-1", "a.yml"), ("b", "b.yaml")]
    assert [(p.opts.out_pdf, p.opts.proof) for p in d.pages] == [
        (str(out / "a.pdf"), str(out / "a.png")), (str(out / "a-1.pdf"), str(out / "a-1.png")),
        (str(out / "b.pdf"), str(out / "b.png"))]
    assert d.roots == {"page": str(folder), "out": str(out)} and out.is_dir()
    assert d.token is None and d.host == "127.0.0.1"


def test_beyond_this_machine_the_desk_makes_up_a_token(tmp_path, monkeypatch):
    page = tmp_path / "page.yaml"
    page.write_text("headline: {main: 一}\n", encoding="utf-8")
    one = _desk_of(monkeypatch, _serve_args(tmp_path, str(page), "--host", "0.0.0.0")).token
    two = _desk_of(monkeypatch, _serve_args(tmp_path, str(page), "--host", "0.0.0.0")).token
    assert one and two and one != two and len(one) >= 32
    assert _desk_of(monkeypatch, _serve_args(tmp_path, str(page), "--host", "0.0.0.0", "--token", "mine")).token == "mine"


def test_the_editor_link_wants_the_files_absolute_path(tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)
    with_editor = Desk([], {}, "127.0.0.1", 0, None, "vscode://file/{path}:{line}:{col}")
    assert with_editor._abs("page.yaml") == str(tmp_path / "page.yaml")
    assert with_editor._abs(None) is None
    assert Desk([], {}, "127.0.0.1", 0, None, None)._abs("page.yaml") is None  # no editor: no path to give away


# ---------------------------------------------------------------- a build, as the desk publishes it

@pytest.fixture
def mini(page):
    folder, cache, fonts = page
    out = folder / "out"
    opts = BuildOptions(out_pdf=str(out / "page.pdf"), proof=str(out / "page.png"), fonts=fonts, cache_dir=cache)
    return folder, DeskPage("page", str(folder / "page.yaml"), opts, name="page.yaml")


@pytest.mark.usefixtures("debian_fonts", "clean_reportlab_registry")
def test_a_build_publishes_its_proof_and_a_rebuild_where_the_ink_changed(mini):
    folder, page = mini
    d = Desk([page], {"page": str(folder), "out": str(folder / "out")}, "127.0.0.1", 0, None, None, quiet=True)
    sent = []
    d.publish = lambda pid, state, proof=None: sent.append((pid, state, proof))
    d.build(page)
    pid, state, proof = sent[-1]
    assert pid == "page" and state["error"] is None and proof[:8] == b"\x89PNG\r\n\x1a\n"
    assert state["proof"] == "/proof/page/1.png" and state["changed"] == []  # nothing before it to compare
    assert state["outputs"] == {"pdf": "/files/page/out/page.pdf", "proof": "/files/page/out/page.png"}
    yaml = folder / "page.yaml"
    yaml.write_text(yaml.read_text(encoding="utf-8").replace("title: 一张照片", "title: 两张照片在这里"), encoding="utf-8")
    d.build(page)
    _, state, proof2 = sent[-1]
    assert state["proof"] == "/proof/page/2.png" and proof2 != proof
    assert state["changed"], "the headline's ink changed: the desk marks where"
    for x, y, w, h in state["changed"]:
        assert 0 <= x < 1 and 0 <= y < 1 and 0 < w <= 1 and 0 < h <= 1


# ---------------------------------------------------------------- the whole desk, its terminal and its server

class _Changes:
    followed: list = []

    def follow(self, paths):
        _Changes.followed.append(list(paths))

    def close(self):
        pass


class _Session:
    def close(self):
        pass


@pytest.fixture
def signals_kept():
    kept = {s: signal.getsignal(s) for s in (signal.SIGTERM, signal.SIGHUP, signal.SIGINT)}
    yield
    for s, h in kept.items():
        signal.signal(s, h)


@pytest.mark.parametrize("token", [None, "s3cret"])
def test_the_desk_says_where_it_is_follows_its_pages_and_closes_on_ctrl_c(tmp_path, monkeypatch, capsys, token,
                                                                         signals_kept):
    from layout.app import session, watch

    page = tmp_path / "page.yaml"
    page.write_text("headline: {main: 一}\n", encoding="utf-8")
    _Changes.followed = []

    def stop_at_once(paths_fn, build_fn, changes):
        raise KeyboardInterrupt

    monkeypatch.setattr(watch, "Changes", _Changes)
    monkeypatch.setattr(watch, "watch", stop_at_once)
    monkeypatch.setattr(session, "Session", _Session)
    d = Desk([DeskPage("page", str(page), BuildOptions())], {}, "127.0.0.1", 0, token, None)
    monkeypatch.setattr(d, "start_server", lambda: "http://127.0.0.1:4321/" + (f"?token={token}" if token else ""))
    monkeypatch.setattr(d, "stop_server", lambda: None)
    assert d.run() == 0
    said = capsys.readouterr().err.splitlines()
    if token:
        assert said[0] == "proof desk: http://127.0.0.1:4321/?token=s3cret  (every request needs the token)"
    else:
        assert said[0] == "proof desk: http://127.0.0.1:4321/"
    assert said[1] == f"watching {page} (Ctrl-C to stop)" and said[-1] == "desk closed"
    assert _Changes.followed == [[str(page)]]  # followed before the first build


def _get(port, path, host=None, headers=None):
    c = http.client.HTTPConnection("127.0.0.1", port, timeout=10)
    c.request("GET", path, headers={"Host": host or f"127.0.0.1:{port}", **(headers or {})})
    r = c.getresponse()
    data = r.read()
    c.close()
    return r, data


def test_the_desks_server_answers_at_the_address_it_prints_and_stops(tmp_path, monkeypatch):
    real = deskweb.desk_app
    monkeypatch.setattr(deskweb, "desk_app", lambda *a, **k: plain(real(*a, **k)))  # see test_deskweb.plain
    page = DeskPage("page", str(tmp_path / "page.yaml"), BuildOptions(), name="page.yaml")
    d = Desk([page], {"page": str(tmp_path)}, "127.0.0.1", 0, None, None)
    address = d.start_server()
    try:
        assert address.startswith("http://127.0.0.1:") and address.endswith("/")
        port = int(address.rsplit(":", 1)[1].rstrip("/"))
        d.publish("page", {"id": "page", "version": 1}, b"\x89PNG-one")
        deadline = time.monotonic() + 10
        while (got := json.loads(_get(port, "/state")[1]))["pages"] == {}:
            assert time.monotonic() < deadline, got
            time.sleep(0.05)
        assert got["config"]["pages"] == [{"id": "page", "name": "page.yaml"}]
        assert got["pages"]["page"]["version"] == 1 and _get(port, "/proof/page/1.png")[1] == b"\x89PNG-one"
        assert _get(port, "/state", host=f"localhost:{port}")[0].status == 200
        assert _get(port, "/state", host=f"elsewhere.example:{port}")[0].status == 421
        pid = d.server_pid
    finally:
        d.stop_server()
    assert d.server_pid is None
    with pytest.raises(ChildProcessError):
        os.waitpid(pid, os.WNOHANG)  # gone, and reaped
    with pytest.raises(OSError):
        _get(port, "/state")


def test_a_websocket_handshake_is_an_ordinary_request_to_the_guard(tmp_path, signals_kept):
    """The desk has no websockets: an upgrade request goes through the Host and token checks like any other
    (were uvicorn to speak websockets, the handshake would go round the guard, which checks http only)."""
    hub = deskweb.Hub({"pages": [], "editor_url": None, "roots": {}})
    sock = socket.socket()
    sock.bind(("127.0.0.1", 0))
    sock.listen(16)
    port = sock.getsockname()[1]
    app = deskweb.desk_app(hub, {"page": str(tmp_path)}, "s3cret", {f"127.0.0.1:{port}"}, f"_{port}")
    inbox, outbox = os.pipe()
    answers = {}
    upgrade = {"Connection": "Upgrade", "Upgrade": "websocket", "Sec-WebSocket-Version": "13",
               "Sec-WebSocket-Key": "dGhlIHNhbXBsZSBub25jZQ=="}

    def ask():
        try:
            for _ in range(200):
                try:
                    answers["host"] = _get(port, "/", host=f"attacker.example:{port}", headers=upgrade)[0].status
                    break
                except ConnectionError:
                    time.sleep(0.05)
            answers["token"] = _get(port, "/events", headers=upgrade)[0].status
        finally:
            os.close(outbox)  # the desk closing: the server ends

    threading.Thread(target=ask, daemon=True).start()
    desk._serve(plain(app), hub, sock, inbox)  # see test_deskweb.plain
    assert answers == {"host": 421, "token": 403}
