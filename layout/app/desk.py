"""`zhpaper serve`: the proof desk in a browser, rebuilt on every save.

    zhpaper serve PAGE.yaml            one page
    zhpaper serve FOLDER               every page file in the folder (a YAML with `edition:` or `stories:`)
    zhpaper serve EDITION.yaml         every page of an edition, built as the edition builds it (its 报眉
                                       values; a 转版 story's rest from its page's last build)

The builds are watch mode's (layout.app.watch: the kernel's change notices, a save built once it is
complete; layout.app.session: what one build keeps for the next), run in this process's main thread
as `zhpaper watch` runs them; after each, what the desk shows of it (layout.app.deskview) goes to
the browser by server-sent events (layout.app.deskweb: uvicorn in a process of its own, fed by pipe), and the
browser swaps in the new proof. Each page is built again only when a file it read changed. A bad
save shows its one-line error on the desk and in the terminal; the last good proof stays.

The desk listens on 127.0.0.1 unless `--host` says otherwise; beyond this machine it wants a token,
printed with the address. It serves the page's folder and the outputs folder, nothing else, and
writes nothing but the build's own files.
"""

from __future__ import annotations

import argparse
import ipaddress
import os
import secrets
import sys
import threading
import time
from dataclasses import dataclass, field, replace

from layout.base.errors import InputError, UsageError

DEFAULT_PORT = 8765


@dataclass
class DeskPage:
    """One page on the desk: its file, its build options, and what its last builds left."""

    id: str
    path: str
    opts: object  # layout.pipeline.BuildOptions
    inputs: list[str] = field(default_factory=list)  # the files its last good build read
    seen: dict | None = None  # their stamps when it was last built
    version: int = 0
    modules: list | None = None  # the last good build's modules (to mark what moves)
    proof: bytes | None = None
    state: dict | None = None
    number: int | None = None  # its page number in an edition
    name: str = ""  # as the desk lists it


def parser(prog: str) -> argparse.ArgumentParser:
    from layout.app.cli import _Parser, page_options

    p = _Parser(prog=prog, description="The proof desk: the page's proof in a browser, rebuilt on every save, "
                "with module outlines and the preflight findings.")
    p.add_argument("target", nargs="?", default="article.yaml",
                   help="a page file, or a folder of page files (default article.yaml)")
    p.add_argument("-o", "--output", default="out", metavar="DIR",
                   help="folder for each page's files, named after the page (default out)")
    p.add_argument("--host", default="127.0.0.1",
                   help="address to listen on (default 127.0.0.1, this machine only); any other needs the token")
    p.add_argument("--port", type=int, default=DEFAULT_PORT, help=f"port (default {DEFAULT_PORT}; 0 = any free port)")
    p.add_argument("--token", help="require this token on every request (made up and printed when --host "
                   "is not this machine)")
    p.add_argument("--editor-url", metavar="TEMPLATE",
                   help="open a finding in the editor, e.g. 'vscode://file/{path}:{line}:{col}'")
    p.add_argument("-q", "--quiet", action="store_true", help="print only the address and errors")
    page_options(p)
    return p


def needs_token(host: str) -> bool:
    """Whether listening on `host` reaches beyond this machine (then a token is required)."""
    if host == "localhost":
        return False
    try:
        return not ipaddress.ip_address(host.strip("[]")).is_loopback
    except ValueError:
        return True  # a name: whatever it resolves to, treat it as the network


def is_edition(path: str) -> bool:
    """Whether `path` is an edition file (a list of `pages:`), not a page."""
    import yaml

    try:
        with open(path, encoding="utf-8") as fh:
            top = yaml.load(fh, Loader=getattr(yaml, "CSafeLoader", yaml.SafeLoader))
    except Exception:
        return False  # a page file with a mistake: its build says what
    return isinstance(top, dict) and isinstance(top.get("pages"), list)


def edition_pages(path: str, output: str, base) -> tuple[list[DeskPage], object]:
    """The pages of the edition file `path`, each before the pages that take the rest of its stories,
    named and written as `zhpaper edition` names them (p01, p02, …); and the edition (layout.source.edition.Issue)."""
    from layout.app.edition import stem
    from layout.source.edition import load_issue, plan

    issue = load_issue(path)
    waits = plan(issue).waits_for
    order, left = [], [p.number for p in issue.pages]
    while left:  # pages that wait for each other stay in the edition's order (their build says why)
        ready = [n for n in left if all(d in order or d not in left for d in waits(n))] or left[:1]
        order.append(ready[0])
        left.remove(ready[0])
    pages = []
    for n in order:
        planned = issue.page(n)
        s = os.path.join(output, stem(n))
        pages.append(DeskPage(stem(n), planned.file, replace(base, out_pdf=s + ".pdf", proof=s + ".png"), number=n,
                              name=f"{n} {planned.name} · {os.path.basename(planned.file)}"))
    return pages, issue


def find_pages(target: str) -> list[str]:
    """The page files `target` names: itself, or the page files of a folder (sorted)."""
    if os.path.isdir(target):
        import yaml

        found = []
        for name in sorted(os.listdir(target)):
            path = os.path.join(target, name)
            if not name.endswith((".yaml", ".yml")) or name.startswith(".") or not os.path.isfile(path):
                continue
            try:
                with open(path, encoding="utf-8") as fh:
                    top = yaml.load(fh, Loader=getattr(yaml, "CSafeLoader", yaml.SafeLoader))
            except Exception:
                continue  # not YAML at all: not a page (a page with a mistake still parses)
            if isinstance(top, dict) and ("edition" in top or "stories" in top) and not isinstance(top.get("pages"), list):
                found.append(path)
        if not found:
            raise UsageError("no page files in this folder", target,
                             "a page file has an edition: or stories: key; or give the page file itself")
        return found
    if not os.path.isfile(target):
        raise UsageError("no such file or folder", target, "give a page file (e.g. article.yaml) or a folder of pages")
    return [target]


def main(argv: list[str], prog: str = "zhpaper serve") -> int:
    try:
        a = parser(prog).parse_args(argv)
        return serve(a)
    except InputError as e:
        print(f"error: {e.line()}", file=sys.stderr)
        return e.exit_code


def serve(a: argparse.Namespace) -> int:
    from layout.app.cli import options

    a.archive_to, a.force, a.validate, a.jobs, a.proof = None, False, False, 2, None  # what serve never does
    base = options(a, os.path.join(a.output, "page.pdf"))
    issue = None
    if os.path.isfile(a.target) and is_edition(a.target):
        pages, issue = edition_pages(a.target, a.output, base)
    else:
        pages, ids = [], set()
        for path in find_pages(a.target):
            stem = os.path.splitext(os.path.basename(path))[0]
            pid = stem if stem not in ids else f"{stem}-{len(ids)}"
            ids.add(pid)
            out = os.path.join(a.output, pid)  # a.yaml and a.yml of one folder: two pages, two sets of files
            pages.append(DeskPage(pid, path, replace(base, out_pdf=out + ".pdf", proof=out + ".png"),
                                  name=os.path.basename(path)))
    token = a.token or (secrets.token_urlsafe(24) if needs_token(a.host) else None)
    folder = a.target if os.path.isdir(a.target) else os.path.dirname(a.target) or "."
    roots = {"page": os.path.abspath(folder), "out": os.path.abspath(a.output)}
    os.makedirs(a.output, exist_ok=True)
    return Desk(pages, roots, a.host, a.port, token, a.editor_url, a.quiet, issue).run()


class Desk:
    """The builds, the server, and the watch loop between them."""

    def __init__(self, pages: list[DeskPage], roots: dict[str, str], host: str, port: int,
                 token: str | None, editor_url: str | None, quiet: bool = False, issue=None):
        self.pages, self.roots, self.host, self.port = pages, roots, host, port
        self.issue = issue  # the edition (layout.source.edition.Issue) when the desk shows one
        self.plan = None
        self.token, self.editor_url, self.quiet = token, editor_url, quiet
        self.session = None
        self.warmed = False
        self.server_pid = None
        self._to_server = None

    def out(self, text: str) -> None:
        print(text, file=sys.stderr, flush=True)

    # ------------------------------------------------------------ server

    def start_server(self) -> str:
        """The web server in a process of its own, forked now; the address it listens on (with the token,
        when there is one). The builds stay in this process, which keeps no thread but watch mode's change
        feed: a build may fork (font preparation, the archive copy), and a fork beside a running event
        loop's thread can inherit a lock that thread held and hang. Each build's state and proof go to
        the server by pipe (`publish`)."""
        import socket

        from layout.app.deskweb import Hub, desk_app
        from layout.base.fork import fork

        sock = socket.socket(socket.AF_INET6 if ":" in self.host else socket.AF_INET, socket.SOCK_STREAM)
        sock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        try:
            sock.bind((self.host.strip("[]"), self.port))
        except OSError as exc:
            sock.close()
            raise UsageError(f"cannot listen on {self.host}:{self.port} ({exc.strerror})", "--port",
                             "another program uses the port: choose another with --port, or 0 for any") from None
        sock.listen(64)  # from now on a browser waits for the server's loop rather than being refused
        port = sock.getsockname()[1]
        shown = f"[{self.host.strip('[]')}]" if ":" in self.host else self.host
        hosts = None if self.token and needs_token(self.host) else {
            f"{h}:{port}" for h in (shown, "127.0.0.1", "localhost", "[::1]")}
        shown_order = sorted(self.pages, key=lambda p: p.number or 0)  # an edition's in page order
        config = {"pages": [{"id": p.id, "name": p.name} for p in shown_order],
                  "editor_url": self.editor_url, "roots": {k: os.path.basename(v) or v for k, v in self.roots.items()}}
        hub = Hub(config)
        app = desk_app(hub, self.roots, self.token, hosts, port_name=f"_{port}")
        inbox, outbox = os.pipe()
        pid = fork()
        if pid == 0:
            code = 1
            try:
                os.close(outbox)
                _serve(app, hub, sock, inbox)
                code = 0
            finally:
                os._exit(code)
        os.close(inbox)
        sock.close()
        if pid is None:
            os.close(outbox)
            raise UsageError("cannot start the desk's server (the system refused a process)", "zhpaper serve",
                             "close other programs and try again")
        self.server_pid, self._to_server = pid, os.fdopen(outbox, "wb")
        # A wildcard address is no address to open: the machine's name is (the desk's network knows it).
        where = socket.gethostname() if self.host.strip("[]") in ("0.0.0.0", "::") else shown
        return f"http://{where}:{port}/" + (f"?token={self.token}" if self.token else "")

    def publish(self, page: str, state: dict, proof: bytes | None = None) -> None:
        """A build's state (and proof) to the server, which sends it to every open desk."""
        import pickle

        if self._to_server is None:
            return
        try:
            pickle.dump((page, state, proof), self._to_server, protocol=pickle.HIGHEST_PROTOCOL)
            self._to_server.flush()
        except (BrokenPipeError, OSError):
            self._to_server = None
            self.out("the desk's server has stopped; the builds go on (Ctrl-C to stop)")

    def stop_server(self) -> None:
        """Close the pipe (the server ends its streams and stops), wait for it a moment, then make sure."""
        import signal

        if self._to_server is not None:
            try:
                self._to_server.close()
            except OSError:
                pass
            self._to_server = None
        if self.server_pid:
            end = time.monotonic() + 5
            while time.monotonic() < end and os.waitpid(self.server_pid, os.WNOHANG) == (0, 0):
                time.sleep(0.02)
            else:
                try:
                    os.kill(self.server_pid, signal.SIGKILL)
                    os.waitpid(self.server_pid, 0)
                except (ProcessLookupError, ChildProcessError):
                    pass
            self.server_pid = None

    # ------------------------------------------------------------ builds

    def build(self, page: DeskPage) -> None:
        """Build `page` once and publish what the desk shows of it (or its one-line error)."""
        from layout.app import deskview
        from layout.pipeline import build

        t0 = time.perf_counter()
        page.version += 1
        stamp = time.strftime("%H:%M:%S")
        try:
            result = build(page.path, self.options(page), session=self.session)
        except InputError as e:
            place = deskview.locate(e.where, page.path)
            error = {"message": e.line(), **place, "file": self._shown(place["file"])}
            state = {**(page.state or self._empty(page)), "error": error, "built_at": stamp, "attempt": page.version}
            page.state = state
            self.publish(page.id, state)
            self.out(f"[{stamp}] {page.path}: error: {e.line()}")
            return
        ms = round((time.perf_counter() - t0) * 1000)
        page.inputs = sorted({page.path, *result.inputs})
        try:
            with open(page.opts.proof, "rb") as fh:
                proof = fh.read()
        except OSError:
            proof = None
        report = result.report.to_json()
        mods, gone = deskview.moved(deskview.modules(result.layout, report["figures"]), page.modules)
        changed = deskview.changed_areas(page.proof, proof) if proof is not None else []
        finds = [{**f, "file": self._shown(f["file"]), "abs": self._abs(f["file"])}
                 for f in deskview.findings(report, page.path)]
        outputs = {k: self._url(p) for k, p in (("pdf", page.opts.out_pdf), ("proof", page.opts.proof))}
        state = {"id": page.id, "name": page.name, "version": page.version, "attempt": page.version,
                 "built_at": stamp, "build_ms": ms, "error": None, "box": deskview.page_box(result.layout),
                 "proof": f"/proof/{page.id}/{page.version}.png" if proof is not None else None,
                 "modules": mods, "gone": gone, "changed": changed, "findings": finds, "outputs": outputs,
                 "summary": {"errors": len(report["errors"]), "warnings": len(report["warnings"]),
                             "info": len(report["info"])}}
        page.modules, page.proof, page.state = [dict(m) for m in mods], proof, state
        state["published_ms"] = round(time.time() * 1000)  # for the bench: build published → proof on screen
        self.publish(page.id, state, proof)
        if not self.quiet:
            self.out(f"[{stamp}] built {page.opts.out_pdf} in {ms / 1000:.2f} s; "
                     f"{state['summary']['errors']} error(s), {state['summary']['warnings']} warning(s)")

    def options(self, page: DeskPage):
        """The page's build options; for a page of an edition, with what the edition gives it: its 报眉
        values, and the rest of each story continued here from the file its page's last build wrote
        (followed like any input: a rebuild there rebuilds this page)."""
        if self.issue is None:
            return page.opts
        from layout.app.edition import stem
        from layout.app.pagetask import jump_name
        from layout.source.edition import InEdition

        n = page.number
        if n in self.plan.errors:
            raise self.plan.errors[n]
        slots = []
        for j in self.plan.into(n):
            path = os.path.join(os.path.dirname(page.opts.out_pdf), jump_name(stem(j.source), j.story))
            try:
                with open(path, encoding="utf-8") as fh:
                    slots.append((j.key, (path, fh.read())))
            except OSError:
                slots.append((j.key, None))  # its page did not cut the story (or failed): the slot stays empty
        planned = self.issue.page(n)
        return replace(page.opts, edition=InEdition(self.issue.paper, self.issue.date, n, planned.name,
                                                    self.issue.sample, tuple(slots)))

    def _empty(self, page: DeskPage) -> dict:
        return {"id": page.id, "name": page.name, "version": 0, "proof": None, "modules": [],
                "gone": [], "changed": [], "findings": [], "outputs": {}, "box": None, "summary": None}

    def _shown(self, file: str | None) -> str | None:
        """A file as the desk links it: `/files/ROOT/REL` when a root holds it, else None."""
        return self._url(file) if file else None

    def _abs(self, file: str | None) -> str | None:
        return os.path.abspath(file) if file and self.editor_url else None  # only the editor link needs it

    def _url(self, path: str) -> str | None:
        from urllib.parse import quote

        from layout.app.deskweb import confined

        # the folder resolved, not the file: an output is a link into its current set (layout.base.outset),
        # whose target is gone after the next build; its own name stays
        real = os.path.join(os.path.realpath(os.path.dirname(os.path.abspath(path))), os.path.basename(path))
        for name, root in self.roots.items():
            rel = os.path.relpath(real, os.path.realpath(root))
            if not rel.startswith("..") and confined(root, rel.replace(os.sep, "/")):
                return f"/files/{name}/{quote(rel.replace(os.sep, '/'))}"
        return None

    def build_changed(self) -> None:
        """Build each page whose files changed since its last build (all of them the first time)."""
        from layout.app.watch import snapshot

        if self.issue is not None:
            from layout.source.edition import plan

            self.plan = plan(self.issue)  # the pages' 转版 keys as they are now
        for page in self.pages:
            now = snapshot(page.inputs or [page.path])
            if page.seen is not None and now == page.seen:
                continue
            page.seen = now  # taken before the build: a save made during it is another change
            self.build(page)
            page.seen.update({p: s for p, s in snapshot(page.inputs).items() if p not in page.seen})
        if not self.warmed:  # the idle time after the first builds: a head start for the first photo edit
            self.warmed = True
            self.session.warm_up(self.pages[0].opts)

    def paths(self) -> list[str]:
        return sorted({p for page in self.pages for p in (page.inputs or [page.path])})

    # ------------------------------------------------------------ the whole

    def run(self) -> int:
        from layout.app.session import Session
        from layout.app.watch import Changes, watch

        import signal

        def stop(signum, frame):
            raise KeyboardInterrupt  # SIGTERM (a service manager, a test) closes the desk as Ctrl-C does

        if threading.current_thread() is threading.main_thread():
            signal.signal(signal.SIGTERM, stop)
            signal.signal(signal.SIGHUP, stop)  # a logout too
        # Forked before any thread starts (the change feed's): layout.app.session.
        self.session = Session()
        changes = None
        try:
            address = self.start_server()
            self.out(f"proof desk: {address}" + ("  (every request needs the token)" if self.token else ""))
            self.out(f"watching {', '.join(p.path for p in self.pages)} (Ctrl-C to stop)")
            changes = Changes()
            # Followed before the first builds too (watch follows the files once they are done): a save made
            # while they run, or while the first build's idle-time warm-up runs, is seen and built.
            changes.follow(self.paths())
            watch(self.paths, self.build_changed, changes)
        except KeyboardInterrupt:
            self.out("desk closed")
        finally:
            if changes is not None:
                changes.close()
            self.stop_server()
            self.session.close()
        return 0


def _serve(app, hub, sock, inbox: int) -> None:
    """The server process: uvicorn on the bound socket; a thread feeds the hub what the builds send, and
    the end of the pipe (the desk closing, or its process gone) ends the streams and the server."""
    import asyncio
    import contextlib
    import pickle
    import signal

    import uvicorn

    signal.signal(signal.SIGINT, signal.SIG_IGN)  # Ctrl-C is the building process's to act on: it closes the pipe
    server = uvicorn.Server(uvicorn.Config(app, log_level="warning", access_log=False, lifespan="off",
                                           timeout_graceful_shutdown=1, ws="none"))
    server.capture_signals = contextlib.nullcontext  # the signals stay the building process's (see above)

    def feed() -> None:
        with os.fdopen(inbox, "rb") as fh:
            while True:
                try:
                    page, state, proof = pickle.load(fh)
                except (EOFError, OSError, pickle.UnpicklingError):
                    break
                hub.publish(page, state, proof)
        hub.close()
        server.should_exit = True

    async def go() -> None:
        hub.loop = asyncio.get_running_loop()
        threading.Thread(target=feed, name="desk-feed", daemon=True).start()
        await server.serve(sockets=[sock])

    asyncio.run(go())
