"""The edit loop of `make bench`: edit → new press PDF and edit → new proof, through the real watch process.

    python bench/editloop.py [--edits 9] [--rss-edits 200] [--root DIR] [--json FILE]

A copy of article.yaml and its photos goes into a temporary folder; `make_pdf.py article.yaml --watch`
(with its proof next to the PDF) runs there on its own temporary cache. Once its first build is done,
the bench makes edits of four kinds, `--edits` of each, one at a time:

  char      one character of a body paragraph changed (another character of the page, so the font
            subsets stay the same; the line count does not change); the edits add up
  lines     a phrase one line and a half long added to one paragraph (its line count changes; the
            copyfit search runs again); the previous such edit undone at the same time
  subhead   two characters of a subhead swapped; the edits add up
  photo     a photo replaced by another picture of the same size (one image prepared afresh)

Each edit is one save (the file written in place and closed), and its time is measured from the
moment the save returned to the moment the press PDF, then the proof, appeared under their names
(an inotify watch on the output folder, or a 1 ms poll without watchdog). The next edit starts once
the watch process has printed that the build is done. Then `--rss-edits` more character edits are
made back to back, and the watch process's resident set (VmRSS) and peak (VmHWM) are read from /proc.

`--root` runs another checkout's make_pdf.py (e.g. a clone of main, for the figures before a change).
"""

from __future__ import annotations

import argparse
import os
import queue
import re
import shutil
import signal
import statistics
import subprocess
import sys
import tempfile
import threading
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
KINDS = ("char", "lines", "subhead", "photo")
# Body-text characters to put in (all on the page already, all GB 2312 level 1, all full-width Han).
POOL = "发展建设推进全面工作产业城市乡村"
PHRASE = "并以此为契机全面推进各项重点工作落实落细见到实效"  # 24 characters: more than a column line


def _is_han(ch: str) -> bool:
    return "\u4e00" <= ch <= "\u9fff"


def _common(ch: str) -> bool:
    """In GB 2312 level 1, the body face's fixed base set: taking it out of the text changes no font subset
    (taking out the last of a rarer character would convert the body face's subset again, seconds)."""
    try:
        code = ch.encode("gb2312")
    except UnicodeEncodeError:
        return False
    return 0xB0 <= code[0] <= 0xD7


class Article:
    """article.yaml as text, with the paragraphs and subheads the edits change found by their text."""

    def __init__(self, path: Path):
        import yaml

        self.path = path
        self.base = path.read_text(encoding="utf-8")
        data = yaml.safe_load(self.base)
        self.paragraphs = [p for s in data["sections"] for p in s["paragraphs"]]
        self.headings = [h for s in data["sections"] for h in (s.get("heading") or [])]
        self.text = self.base

    def save(self, text: str) -> float:
        """Write `text` in place (one open, write, close, as an editor's save) and return when it was done."""
        with open(self.path, "w", encoding="utf-8") as fh:
            fh.write(text)
        self.text = text
        return time.perf_counter()

    def char_edit(self, i: int) -> str:
        """The current text with one more character changed: paragraph i % n, a Han character between Han
        characters (so no line break can move), replaced by another from POOL."""
        n = len(self.paragraphs)
        k = i % n
        para = self.current_paragraph(k)
        start = 12 + 5 * (i // n) % max(1, len(para) - 24)
        for j in range(start, len(para) - 1):
            if _is_han(para[j - 1]) and _is_han(para[j]) and _is_han(para[j + 1]) and _common(para[j]):
                new = next(c for c in POOL[(i % len(POOL)):] + POOL if c != para[j])
                return self._replace_paragraph(k, para[:j] + new + para[j + 1:])
        raise RuntimeError(f"no character to change in paragraph {k}")

    def current_paragraph(self, k: int) -> str:
        return self._current[k] if hasattr(self, "_current") else self.paragraphs[k]

    def _replace_paragraph(self, k: int, new: str) -> str:
        cur = list(getattr(self, "_current", self.paragraphs))
        old = cur[k]
        assert self.text.count(old) == 1, "paragraph text not unique in the file"
        cur[k] = new
        self._current = cur
        return self.text.replace(old, new)

    def lines_edit(self, i: int) -> str:
        """The text as the line edits found it (the char edits in it) with PHRASE added before the last 。
        of paragraph i % n; the previous line edit undone."""
        if not hasattr(self, "lines_base"):
            self.lines_base = self.text
        k = i % len(self.paragraphs)
        para = self.current_paragraph(k)
        cut = para.rstrip("。")
        new = cut + "，" + PHRASE[: 18 + i % 6] + para[len(cut):]
        assert self.lines_base.count(para) == 1
        return self.lines_base.replace(para, new)

    def subhead_edit(self, i: int) -> str:
        """The current text with two neighbouring characters of one subhead phrase swapped."""
        cur = getattr(self, "_heads", list(self.headings))
        k = i % len(cur)
        h = cur[k]
        j = (i // len(cur)) % (len(h) - 1)
        while h[j] == h[j + 1]:
            j = (j + 1) % (len(h) - 1)
        new = h[:j] + h[j + 1] + h[j] + h[j + 2:]
        pattern = re.compile(r"(heading: \[[^\]\n]*?)" + re.escape(h))
        text, count = pattern.subn(lambda m: m.group(1) + new, self.text, count=1)
        assert count == 1, f"subhead {h} not found"
        cur[k] = new
        self._heads = cur
        return text


def photo_variants(photos: list[Path], count: int) -> list[tuple[Path, bytes]]:
    """`count` (photo, new bytes): the photo with a coloured band drawn across it, another each time."""
    import io

    from PIL import Image, ImageDraw

    out = []
    for i in range(count):
        path = photos[i % len(photos)]
        with Image.open(path) as im:
            im = im.convert("RGB")
            w, h = im.size
            draw = ImageDraw.Draw(im)
            y = (h // 10) * (1 + i % 8)
            draw.rectangle((0, y, w, y + h // 12), fill=((37 * i) % 256, (91 * i) % 256, (151 * i) % 256))
            buf = io.BytesIO()
            im.save(buf, "JPEG", quality=90)
        out.append((path, buf.getvalue()))
    return out


class Outputs:
    """When the press PDF and the proof last appeared under their names (renamed into place)."""

    def __init__(self, press: Path, proof: Path):
        self.paths = {str(press): "press", str(proof): "proof"}
        self.seen: dict[str, float] = {}
        self._lock = threading.Lock()
        self._stop = threading.Event()
        self._observer = None
        try:
            from watchdog.events import FileSystemEventHandler
            from watchdog.observers import Observer
        except ImportError:
            self._poller = threading.Thread(target=self._poll, daemon=True)
            self._poller.start()
            return
        outputs = self

        # The set is switched in whole by renaming the link `current` in its folder (layout.base.outset): that
        # rename is when the press PDF and the proof appear under their names. (A checkout before the
        # switch renamed each file into place: those renames are watched too.)
        home = press.parent / (".zhpaper-" + press.stem)
        home.mkdir(parents=True, exist_ok=True)
        switch = str(home / "current")

        class Handler(FileSystemEventHandler):
            def on_any_event(self, event):
                now = time.perf_counter()
                for p in (getattr(event, "dest_path", ""), event.src_path):
                    p = os.fsdecode(p) if p else ""
                    kinds = ("press", "proof") if p == switch else (outputs.paths.get(p),)
                    if kinds[0] and event.event_type in ("moved", "created", "closed"):
                        with outputs._lock:
                            outputs.seen.update({k: now for k in kinds})

        self._observer = Observer()
        self._observer.schedule(Handler(), str(press.parent), recursive=False)
        self._observer.schedule(Handler(), str(home), recursive=False)
        self._observer.start()

    def _poll(self) -> None:
        last = {}
        while not self._stop.is_set():
            for path, kind in self.paths.items():
                try:
                    st = os.stat(path)
                    ident = (st.st_ino, st.st_mtime_ns, st.st_size)
                except OSError:
                    ident = None
                if ident is not None and last.get(path) != ident:
                    if path in last:
                        with self._lock:
                            self.seen[kind] = time.perf_counter()
                    last[path] = ident
                elif path not in last:
                    last[path] = ident
            time.sleep(0.001)

    def since(self, t0: float) -> dict[str, float]:
        with self._lock:
            return {k: v - t0 for k, v in self.seen.items() if v >= t0}

    def close(self) -> None:
        self._stop.set()
        if self._observer is not None:
            self._observer.stop()
            self._observer.join()


class WatchProcess:
    """make_pdf.py --watch in `folder`, its stderr read line by line."""

    def __init__(self, root: Path, folder: Path, env: dict):
        self.proc = subprocess.Popen([sys.executable, str(root / "make_pdf.py"), "article.yaml", "-o",
                                      str(folder / "out" / "article.pdf"), "--watch", "-q"],
                                     cwd=folder, env=env, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE,
                                     text=True, start_new_session=True)
        self.lines: queue.Queue[str] = queue.Queue()
        self.log: list[str] = []
        threading.Thread(target=self._read, daemon=True).start()

    def _read(self) -> None:
        for line in self.proc.stderr:
            self.lines.put(line.rstrip("\n"))

    def wait_build(self, timeout: float = 120.0) -> str:
        """The next line saying a build ended ("built …" or "error: …")."""
        deadline = time.monotonic() + timeout
        while True:
            left = deadline - time.monotonic()
            if left <= 0 or self.proc.poll() is not None:
                raise RuntimeError("the watch process gave no answer:\n" + "\n".join(self.log[-20:]))
            try:
                line = self.lines.get(timeout=min(left, 1.0))
            except queue.Empty:
                continue
            self.log.append(line)
            if "] built " in line or line.startswith("error:"):
                return line

    def drain(self) -> None:
        while True:
            try:
                self.log.append(self.lines.get_nowait())
            except queue.Empty:
                return

    def memory_mib(self) -> dict[str, float]:
        out = {}
        with open(f"/proc/{self.proc.pid}/status", encoding="utf-8") as fh:
            for line in fh:
                key, _, value = line.partition(":")
                if key in ("VmRSS", "VmHWM"):
                    out[key] = round(int(value.split()[0]) / 1024, 1)
        return out

    def stop(self) -> None:
        if self.proc.poll() is None:
            os.killpg(self.proc.pid, signal.SIGINT)
            try:
                self.proc.wait(timeout=30)
            except subprocess.TimeoutExpired:
                os.killpg(self.proc.pid, signal.SIGKILL)
                self.proc.wait()


def _summary(values: list[float]) -> dict:
    return {"median_ms": round(statistics.median(values) * 1000, 1), "worst_ms": round(max(values) * 1000, 1),
            "best_ms": round(min(values) * 1000, 1)}


def run(root: Path = ROOT, edits: int = 9, rss_edits: int = 200, cache: str | None = None,
        pause_s: float = 0.25) -> dict:
    tmp = Path(tempfile.mkdtemp(prefix="zhpaper-editloop-"))
    proc = outputs = None
    try:
        folder = tmp / "page"
        (folder / "assets").mkdir(parents=True)
        shutil.copyfile(root / "article.yaml", folder / "article.yaml")
        shutil.copytree(root / "assets" / "photos", folder / "assets" / "photos")
        os.symlink(root / "assets" / "icc", folder / "assets" / "icc")
        (folder / "out").mkdir()
        env = dict(os.environ, ZHPAPER_CACHE=cache or str(tmp / "cache"), PYTHONPATH=str(root))
        env.pop("PYTHONDONTWRITEBYTECODE", None)
        article = Article(folder / "article.yaml")
        photos = sorted((folder / "assets" / "photos").glob("*.jpg"))
        variants = photo_variants(photos, edits)
        outputs = Outputs(folder / "out" / "article.pdf", folder / "out" / "article.png")
        proc = WatchProcess(root, folder, env)
        first = proc.wait_build(timeout=600)
        if first.startswith("error:"):
            raise RuntimeError(f"the first build failed: {first}")
        time.sleep(1.0)  # let the first build's stragglers (if any) finish

        def one(save) -> dict:
            proc.drain()
            time.sleep(pause_s)
            t0 = save()
            line = proc.wait_build()
            if line.startswith("error:"):
                raise RuntimeError(f"an edit did not build: {line}")
            got = outputs.since(t0)
            deadline = time.monotonic() + 5
            while len(got) < 2 and time.monotonic() < deadline:  # the inotify event may trail the line
                time.sleep(0.005)
                got = outputs.since(t0)
            if len(got) < 2:
                raise RuntimeError(f"the build did not write both the press PDF and the proof: {line}")
            return got

        results: dict = {}
        for kind in KINDS:
            runs = []
            for i in range(edits):
                if kind == "char":
                    text = article.char_edit(i)
                    runs.append(one(lambda: article.save(text)))
                elif kind == "lines":
                    text = article.lines_edit(i)
                    runs.append(one(lambda: article.save(text)))
                elif kind == "subhead":
                    text = article.subhead_edit(i)
                    runs.append(one(lambda: article.save(text)))
                else:
                    path, data = variants[i]

                    def save_photo(path=path, data=data):
                        with open(path, "wb") as fh:
                            fh.write(data)
                        return time.perf_counter()

                    runs.append(one(save_photo))
            if kind == "lines":  # the last line edit undone (the char edits stay)
                one(lambda: article.save(article.lines_base))
            results[kind] = {"edits": edits, "press": _summary([r["press"] for r in runs]),
                             "proof": _summary([r["proof"] for r in runs]),
                             "press_ms": [round(r["press"] * 1000, 1) for r in runs],
                             "proof_ms": [round(r["proof"] * 1000, 1) for r in runs]}
        memory: dict = {"edits": rss_edits}
        if rss_edits:
            memory["before"] = proc.memory_mib()
            for i in range(rss_edits):
                text = article.char_edit(edits + i)
                proc.drain()
                time.sleep(0.02)
                article.save(text)
                line = proc.wait_build()
                if line.startswith("error:"):
                    raise RuntimeError(f"edit {i} of the memory run did not build: {line}")
            memory["after"] = proc.memory_mib()
        results["memory"] = memory
        return results
    finally:
        if proc is not None:
            proc.stop()
        if outputs is not None:
            outputs.close()
        shutil.rmtree(tmp, ignore_errors=True)


def table(r: dict) -> str:
    rows = [("edit", "edit → press PDF median / worst", "edit → proof median / worst")]
    for kind in KINDS:
        if kind in r:
            k = r[kind]
            rows.append((kind, f"{k['press']['median_ms']:.0f} / {k['press']['worst_ms']:.0f} ms",
                         f"{k['proof']['median_ms']:.0f} / {k['proof']['worst_ms']:.0f} ms"))
    m = r.get("memory", {})
    if "after" in m:
        rows.append((f"RSS after {m['edits']} edits", f"{m['after'].get('VmRSS', 0):.0f} MiB",
                     f"peak {m['after'].get('VmHWM', 0):.0f} MiB"))
    widths = [max(len(x[i]) for x in rows) for i in range(3)]
    return "\n".join("  ".join(x[i].ljust(widths[i]) for i in range(3)).rstrip() for x in rows)


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--edits", type=int, default=9)
    ap.add_argument("--rss-edits", type=int, default=200)
    ap.add_argument("--root", type=Path, default=ROOT, help="the checkout whose make_pdf.py to run")
    ap.add_argument("--json", type=Path)
    args = ap.parse_args(argv)
    from timing import write_json

    r = run(args.root.resolve(), args.edits, args.rss_edits)
    print(table(r))
    if args.json:
        write_json(args.json, r, ensure_ascii=False)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
