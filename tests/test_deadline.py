"""Nothing lost at deadline (issue 22): a set of outputs is replaced whole or not at all, and filing is
all-or-none, under real faults — SIGKILL, SIGTERM, SIGHUP and SIGINT at seeded random moments, a real
small tmpfs (ENOSPC), leftovers of dead processes — in one-shot, batch and watch modes.

Every check is the invariant itself, never a retry: after each fault the files the desk sees are one
complete set (the previous one or the new one; every file named in the manifest, each with its sha256),
and no temporary file is left by a process that could clean up. The random delays come from a seeded
generator, and the invariant holds wherever they land, so a slower or faster machine moves where the
kills land, not whether the test passes.
"""

from __future__ import annotations

import errno
import hashlib
import json
import os
import random
import shutil
import signal
import subprocess
import sys
import textwrap
import time

import pytest

from layout.base import outset
from support import DATA, MAKE_PDF, ROOT, cli_env, run_make_pdf
from test_cache import display_catalog

SEED = 22


# ---------------------------------------------------------------- helpers


def _visible(folder) -> list[str]:
    """The files a reader finds (a link to a file of a set not switched in, or no longer, finds nothing)."""
    return sorted(n for n in os.listdir(folder) if not n.startswith(".") and os.path.exists(os.path.join(folder, n)))


def _listed(folder) -> list[str]:
    """Every name `ls` lists."""
    return sorted(n for n in os.listdir(folder) if not n.startswith("."))


def _temporaries(*folders) -> list[str]:
    """Every temporary name (.zhpaper-tmp-…) under the folders."""
    found = []
    for top in folders:
        for folder, dirs, files in os.walk(top):
            found += [os.path.join(folder, n) for n in dirs + files if n.startswith(outset.TMP)]
    return found


def _check_set(folder, stem: str) -> dict:
    """The set `stem` in `folder` is whole: the files shown under its stem are exactly the manifest's outputs
    and the manifest, each with the sha256 the manifest gives. Returns the manifest."""
    with open(os.path.join(folder, f"{stem}.manifest.json"), encoding="utf-8") as fh:
        manifest = json.load(fh)
    shown = [n for n in _visible(folder) if n.startswith(stem + ".")]
    assert sorted(shown) == sorted([*manifest["outputs"], f"{stem}.manifest.json"]), shown
    for name, rec in manifest["outputs"].items():
        with open(os.path.join(folder, name), "rb") as fh:
            assert hashlib.sha256(fh.read()).hexdigest() == rec["sha256"], name
    return manifest


def _source_sha(manifest: dict, name: str) -> str:
    return next(s["sha256"] for s in manifest["sources"] if os.path.basename(s["path"]) == name)


def _sha(path) -> str:
    with open(path, "rb") as fh:
        return hashlib.sha256(fh.read()).hexdigest()


def _own_group() -> None:
    os.setsid()
    signal.signal(signal.SIGINT, signal.SIG_DFL)  # (a background shell starts the suite with SIGINT ignored)


@pytest.fixture(scope="module")
def catalog(tmp_path_factory) -> str:
    return display_catalog(tmp_path_factory)


@pytest.fixture
def desk(tmp_path):
    """The small page (one photo, the mini template) as article.yaml, and two versions of its text."""
    d = tmp_path / "desk"
    d.mkdir()
    shutil.copy(os.path.join(DATA, "mini-template.yaml"), d)
    os.symlink(os.path.join(DATA, "img"), d / "img")
    text = open(os.path.join(DATA, "mini-photo.yaml"), encoding="utf-8").read()
    versions = [text, text.replace("去年以来", "以来去年"), text.replace("去年以来", "去年来以")]
    (d / "article.yaml").write_text(versions[0], encoding="utf-8")
    return d, versions


def _save(path, text: str) -> None:
    """A save by an editor that writes a temporary file and renames it over the old one."""
    tmp = str(path) + ".saving"
    with open(tmp, "w", encoding="utf-8") as fh:
        fh.write(text)
    os.replace(tmp, path)


# ---------------------------------------------------------------- the mechanism, killed at random


CHILD = textwrap.dedent("""
    import hashlib, json, os, sys
    sys.path.insert(0, {root!r})
    from layout.base import outset
    outset.stop_on_signals()
    out, other, start = sys.argv[1], sys.argv[2], int(sys.argv[3])
    n = start
    try:
        while True:
            n += 1
            files = {{os.path.join(out, "p.pdf"): (b"%d:press " % n) * 40000,
                      os.path.join(out, "p.archive.pdf"): (b"%d:archive " % n) * 40000,
                      os.path.join(out, "p.alto.xml"): b"%d:alto" % n,
                      os.path.join(out, "p.report.json"): b"%d:report" % n,
                      os.path.join(other, "p.png"): (b"%d:proof " % n) * 20000}}
            if n % 2:
                files[os.path.join(out, "p.jump-s2.yaml")] = b"%d:jump" % n
            outputs = {{os.path.basename(p): {{"sha256": hashlib.sha256(b).hexdigest(), "bytes": len(b)}}
                       for p, b in files.items()}}
            files[os.path.join(out, "p.manifest.json")] = json.dumps({{"n": n, "outputs": outputs}}).encode()
            outset.replace_set(os.path.join(out, "p.pdf"), files)
            print(n, flush=True)
    except KeyboardInterrupt as e:
        print(outset.stopped_line(e), file=sys.stderr)
        sys.exit(128 + outset.signum_of(e))
""")


def _mechanism_set(out, other) -> int:
    """The set the child wrote, whole: its generation number."""
    manifest = json.loads((out / "p.manifest.json").read_bytes())
    n = manifest["n"]
    want = {"p.pdf", "p.archive.pdf", "p.alto.xml", "p.report.json", "p.png"} | ({"p.jump-s2.yaml"} if n % 2 else set())
    assert set(manifest["outputs"]) == want
    shown = set(_visible(out)) | {n for n in _visible(other)}
    assert shown == want | {"p.manifest.json"}, (n, shown)
    for name, rec in manifest["outputs"].items():
        path = (other if name == "p.png" else out) / name
        data = path.read_bytes()
        assert hashlib.sha256(data).hexdigest() == rec["sha256"] and data.startswith(b"%d:" % n), (n, name)
    return n


def test_a_set_is_replaced_whole_under_any_signal_at_any_moment(tmp_path):
    """24 rounds: a process replacing a set of seven files (one in another folder, one in every other set
    only) over and over, stopped at a random moment by SIGKILL (12 rounds), SIGTERM, SIGHUP or SIGINT
    (4 each). After each: one whole set is shown, the last one the process finished or the one before;
    a caught signal exits 128+signal with one line and leaves no temporary file; what SIGKILL leaves is
    removed by the next run."""
    out, other = tmp_path / "out", tmp_path / "proofs"
    rng = random.Random(SEED)
    script = CHILD.format(root=ROOT)
    kinds = [signal.SIGKILL] * 12 + [signal.SIGTERM, signal.SIGHUP, signal.SIGINT] * 4
    rng.shuffle(kinds)
    last = 0
    switched = set()
    for sig in kinds:
        proc = subprocess.Popen([sys.executable, "-c", script, str(out), str(other), str(last)],
                                stdout=subprocess.PIPE, stderr=subprocess.PIPE, preexec_fn=_own_group)
        first = proc.stdout.readline()  # one set in: the kill lands among the next ones
        assert first.strip(), proc.stderr.read()
        time.sleep(rng.uniform(0.0, 0.08))
        proc.send_signal(sig)
        rest, err = proc.communicate(timeout=30)
        done = [int(x) for x in (first + rest).split()]
        n = _mechanism_set(out, other)
        assert n in (done[-1], done[-1] + 1), (n, done)  # the last finished, or the next if killed after its switch
        switched.add(n == done[-1] + 1)
        if sig == signal.SIGKILL:
            assert proc.returncode == -signal.SIGKILL
        else:
            assert proc.returncode == 128 + sig, err
            lines = err.decode().strip().splitlines()
            assert len(lines) == 1 and lines[0].startswith("error: "), err
            assert _temporaries(out, other) == [], f"{signal.Signals(sig).name} left temporaries"
        last = n
    outset.replace_set(str(out / "p.pdf"), {str(out / "p.pdf"): b"%d:final" % (last + 1)})  # the next run
    assert _temporaries(out, other) == []
    assert _listed(out) == ["p.pdf"] and _listed(other) == []  # the files no longer in the set went, links too
    assert sorted(os.listdir(out / ".zhpaper-p")) == ["current", os.readlink(out / ".zhpaper-p" / "current")]


def test_leftovers_of_dead_processes_are_removed_and_of_live_ones_kept(tmp_path):
    """Temporary names carry the process id and start time: the next write removes those of a process that
    is gone (or whose pid was taken by another), and never one of a process still running."""
    dead = subprocess.Popen([sys.executable, "-c", "pass"])
    dead.wait()
    (tmp_path / ".zhpaper-p").mkdir()
    gone = [tmp_path / f"{outset.TMP}{dead.pid}-1-ab12.p.pdf", tmp_path / ".zhpaper-p" / f"{outset.TMP}{dead.pid}-1-cd34.set",
            tmp_path / f"{outset.TMP}{os.getppid()}-1-ef56.p.pdf"]  # a live pid with another start time: reused
    live = tmp_path / (outset.tmp_prefix() + "beef.p.pdf")  # this test's process: alive
    for p in gone:
        p.write_bytes(b"half")
    gone[1].unlink()
    gone[1].mkdir()
    live.write_bytes(b"mine")
    code = f"import sys; sys.path.insert(0, {ROOT!r}); from layout.base import outset; " \
           f"outset.replace_set({str(tmp_path / 'p.pdf')!r}, {{{str(tmp_path / 'p.pdf')!r}: b'x'}})"
    subprocess.run([sys.executable, "-c", code], check=True)
    assert [p for p in gone if os.path.lexists(p)] == []
    assert live.read_bytes() == b"mine"
    assert (tmp_path / "p.pdf").read_bytes() == b"x"


def test_an_older_versions_plain_files_are_adopted_unchanged(tmp_path):
    """Outputs written as plain files (by an earlier version) are taken into a generation as they are,
    then replaced by the new set whole; a file of the old set the new one lacks goes."""
    old = {"p.pdf": b"old press", "p.report.json": b"old report", "p.png": b"old proof"}
    for n, b in old.items():
        (tmp_path / n).write_bytes(b)
    outset.replace_set(str(tmp_path / "p.pdf"), {str(tmp_path / "p.pdf"): b"new press",
                                                 str(tmp_path / "p.report.json"): b"new report"})
    assert (tmp_path / "p.pdf").read_bytes() == b"new press" and (tmp_path / "p.report.json").read_bytes() == b"new report"
    assert os.path.islink(tmp_path / "p.pdf")
    assert (tmp_path / "p.png").read_bytes() == b"old proof"  # not a file this set names: left alone
    assert len(os.listdir(tmp_path / ".zhpaper-p")) == 2


# ---------------------------------------------------------------- one-shot and batch, the real command


def _cli(desk_dir, catalog, cache, *args, **kw):
    return subprocess.Popen([sys.executable, MAKE_PDF, str(desk_dir / "article.yaml"), "--fonts", catalog, "-q", *args],
                            cwd=str(desk_dir), env=cli_env(cache), stdout=subprocess.PIPE, stderr=subprocess.PIPE,
                            text=True, preexec_fn=_own_group, **kw)


def test_one_shot_killed_or_signalled_at_random_moments_leaves_a_whole_set(desk, catalog, zhpaper_cache, tmp_path):
    """make_pdf.py with a proof and --archive-to, killed at random moments of its build (6 rounds: SIGKILL
    ×3, then SIGTERM, SIGHUP, SIGINT), each round a new version of the page: after each, out/ holds one
    whole set — the previous version's or the new one's — and the archive holds the page's whole folder or
    nothing visible. A caught signal: exit 128+signal, one line, no temporary file anywhere. The next
    filing completes without --force."""
    d, versions = desk
    out, archive = tmp_path / "out", tmp_path / "archive"
    args = ["-o", str(out / "article.pdf"), "--proof", str(out / "article.png"), "--archive-to", str(archive)]
    for _ in range(2):  # the first may prepare the fonts (cold); the second is a warm build
        t0 = time.monotonic()
        r = _cli(d, catalog, zhpaper_cache, "-o", str(out / "article.pdf"), "--proof", str(out / "article.png"))
        assert r.wait(timeout=300) == 0, r.stderr.read()
        r.stderr.close()
        r.stdout.close()
    took = time.monotonic() - t0  # a warm build's time: the kills land across it
    rng = random.Random(SEED)
    shas = [hashlib.sha256(v.encode()).hexdigest() for v in versions]
    shown = shas[0]
    for k, sig in enumerate([signal.SIGKILL] * 3 + [signal.SIGTERM, signal.SIGHUP, signal.SIGINT]):
        new = shas[(k + 1) % len(versions)] if shas[(k + 1) % len(versions)] != shown else shas[(k + 2) % 3]
        (d / "article.yaml").write_text(versions[shas.index(new)], encoding="utf-8")
        proc = _cli(d, catalog, zhpaper_cache, *args)
        time.sleep(rng.uniform(0.1, 1.1) * took)
        os.killpg(proc.pid, sig)
        _, err = proc.communicate(timeout=60)
        manifest = _check_set(out, "article")
        got = _source_sha(manifest, "article.yaml")
        assert got in (shown, new), "neither the previous nor the new version"
        shown = got
        filed = _visible(archive) if archive.exists() else []
        assert filed in ([], ["2024-03-01_p03_article"]), filed
        if filed:
            _check_set(archive / filed[0], "2024-03-01_p03_article")
            shutil.rmtree(archive / filed[0])  # the next round files afresh
        if sig != signal.SIGKILL and proc.returncode == -sig:
            # Landed while the interpreter started, before any Python line (make_pdf.py's first
            # handlers) could run, or as it shut down, once it had restored the default handlers: the
            # default action, silent, with one whole set standing (checked above) and no temporary.
            assert err == "", err
            assert _temporaries(*[f for f in (out, archive) if f.exists()]) == []
        elif sig != signal.SIGKILL and proc.returncode != 0:  # (0: the build was done before the signal)
            assert proc.returncode == 128 + sig, err
            assert len(err.strip().splitlines()) == 1 and "Traceback" not in err, err
            assert _temporaries(*[f for f in (out, archive) if f.exists()]) == []
    r = run_make_pdf([str(d / "article.yaml"), "--fonts", catalog, "-q", *args], zhpaper_cache, cwd=str(d))
    assert r.returncode == 0, r.stderr  # what a killed filing left stands in no one's way
    _check_set(archive / "2024-03-01_p03_article", "2024-03-01_p03_article")
    assert _temporaries(out, archive) == []
    assert _visible(archive) == ["2024-03-01_p03_article"]


def test_a_batch_stopped_by_sigterm_leaves_every_page_whole(desk, catalog, zhpaper_cache, tmp_path):
    """A batch of three pages on two workers, SIGTERM to the batch's own process while they build: exit 143
    with one line; every page's set is whole (built or as before); no temporary file."""
    d, versions = desk
    pages = []
    for i in range(3):
        p = d / f"page{i}.yaml"
        p.write_text(versions[i % 3], encoding="utf-8")
        pages.append(str(p))
    out = tmp_path / "out"
    t0 = time.monotonic()
    r = run_make_pdf([*pages, "-o", str(out) + "/", "--fonts", catalog, "-q", "-j", "2"], zhpaper_cache, cwd=str(d))
    took = time.monotonic() - t0
    assert r.returncode == 0, r.stderr
    for i, p in enumerate(pages):
        (d / f"page{i}.yaml").write_text(versions[(i + 1) % 3], encoding="utf-8")
    proc = subprocess.Popen([sys.executable, MAKE_PDF, *pages, "-o", str(out) + "/", "--fonts", catalog, "-j", "2"],
                            cwd=str(d), env=cli_env(zhpaper_cache), stdout=subprocess.PIPE, stderr=subprocess.PIPE,
                            text=True, preexec_fn=_own_group)
    time.sleep(random.Random(SEED).uniform(0.5, 0.9) * took)  # the pages built, being written or about to be
    proc.send_signal(signal.SIGTERM)  # the batch's process only, as a service manager's stop may
    _, err = proc.communicate(timeout=60)
    if proc.returncode == -signal.SIGTERM:
        # Landed while the interpreter started, before make_pdf.py's first line could set a handler: the
        # default action, silent, before anything was written (every set checked below).
        assert err == "", err
    else:
        assert proc.returncode in (0, 143), err
    assert "Traceback" not in err, err
    if proc.returncode == 143:
        assert err.strip().splitlines()[-1].startswith("error: stopped by SIGTERM"), err
        assert "Traceback" not in err
    for i in range(3):
        _check_set(out, f"page{i}")
    assert _temporaries(out) == []


def test_a_signal_after_the_batch_has_reported_does_not_turn_it_into_a_death(desk, catalog, zhpaper_cache, tmp_path):
    """SIGTERM sent as soon as a batch prints its summary — while its pool is joined and the interpreter shuts
    down, which puts the default handlers back — still ends it with its own status and one line at most:
    never a death by signal (-15) that a service manager would log as a crash of a run that succeeded."""
    d, versions = desk
    pages = []
    for i in range(2):
        p = d / f"page{i}.yaml"
        p.write_text(versions[i], encoding="utf-8")
        pages.append(str(p))
    out = tmp_path / "out"
    for round_ in range(3):
        proc = subprocess.Popen([sys.executable, MAKE_PDF, *pages, "-o", str(out) + "/", "--fonts", catalog, "-j", "2"],
                                cwd=str(d), env=cli_env(zhpaper_cache), stdout=subprocess.PIPE, stderr=subprocess.PIPE,
                                text=True, preexec_fn=_own_group)
        seen = []
        for line in proc.stderr:
            seen.append(line)
            if line.startswith("batch: "):
                break
        assert seen and seen[-1].startswith("batch: 2 ok"), "".join(seen)
        for _ in range(5):
            try:
                proc.send_signal(signal.SIGTERM)
            except ProcessLookupError:
                break
            time.sleep(0.002)
        _, rest = proc.communicate(timeout=60)
        err = "".join(seen) + rest
        assert proc.returncode in (0, 143), (proc.returncode, err)
        assert "Traceback" not in err, err
        if proc.returncode == 143:
            assert len(rest.strip().splitlines()) == 1 and "after the outputs were written" in rest, err
        for i in range(2):
            _check_set(out, f"page{i}")
        assert _temporaries(out) == []


def test_output_folder_given_with_a_slash_is_made(desk, catalog, zhpaper_cache, tmp_path):
    """-o newdir/ (a folder not there yet): the folder is made and the page written there under its own name;
    no proof unless --proof asks for one."""
    d, _ = desk
    r = run_make_pdf([str(d / "article.yaml"), "-o", str(tmp_path / "new" / "deep") + "/", "--fonts", catalog, "-q"],
                     zhpaper_cache, cwd=str(d))
    assert r.returncode == 0, r.stderr
    assert _visible(tmp_path / "new" / "deep") == ["article.alto.xml", "article.archive.pdf", "article.manifest.json",
                                                   "article.pdf", "article.report.json"]
    _check_set(tmp_path / "new" / "deep", "article")


# ---------------------------------------------------------------- a full disk: a real small tmpfs


@pytest.fixture
def small_disk(tmp_path):
    """A 200 KiB tmpfs (the suite runs as root), or None where mounting is refused."""
    where = tmp_path / "small"
    where.mkdir()
    r = subprocess.run(["mount", "-t", "tmpfs", "-o", "size=200k", "tmpfs", str(where)], capture_output=True)
    if r.returncode != 0:
        yield None
        return
    try:
        yield where
    finally:
        subprocess.run(["umount", "-l", str(where)], check=False)


def test_a_full_disk_is_one_line_and_files_nothing(desk, catalog, zhpaper_cache, tmp_path, small_disk):
    """Filing onto a full disk: one line naming the archive and the cause, no traceback, nothing filed and
    nothing left behind, and the page's outputs as they were (nothing is written unless the whole build
    succeeded). Outputs onto a full disk: one line, nothing shown, no temporary. On a real 200 KiB tmpfs;
    where mounting is refused, with ENOSPC injected into os.write in the command's process."""
    d, versions = desk
    out = tmp_path / "out"
    r = run_make_pdf([str(d / "article.yaml"), "-o", str(out / "article.pdf"), "--fonts", catalog, "-q"],
                     zhpaper_cache, cwd=str(d))
    assert r.returncode == 0, r.stderr
    before = {n: (out / n).read_bytes() for n in _visible(out)}
    (d / "article.yaml").write_text(versions[1], encoding="utf-8")
    full = small_disk
    prefix: list[str] = []
    if full is None:  # inject ENOSPC for writes under the "full" folder
        full = tmp_path / "full"
        full.mkdir()
        hook = tmp_path / "hook"
        hook.mkdir()
        (hook / "sitecustomize.py").write_text(textwrap.dedent(f"""
            import errno, os
            _write, _open = os.write, os.open
            _full = set()
            def _o(path, *a, **k):
                fd = _open(path, *a, **k)
                if os.fsdecode(os.path.abspath(path)).startswith({str(full)!r}):
                    _full.add(fd)
                return fd
            def _w(fd, data):
                if fd in _full:
                    raise OSError(errno.ENOSPC, os.strerror(errno.ENOSPC))
                return _write(fd, data)
            os.open, os.write = _o, _w
        """), encoding="utf-8")
        prefix = ["env", f"PYTHONPATH={hook}"]
    r = run_make_pdf([str(d / "article.yaml"), "-o", str(out / "article.pdf"), "--fonts", catalog, "-q",
                      "--archive-to", str(full / "archive")], zhpaper_cache, cwd=str(d), prefix=prefix)
    assert r.returncode == 1, r.stderr
    lines = r.stderr.strip().splitlines()
    assert len(lines) == 1 and "Traceback" not in r.stderr, r.stderr
    assert lines[0].startswith(f"error: {full / 'archive'}: cannot file the page (No space left on device)"), lines
    assert os.listdir(full / "archive") == []  # nothing filed, nothing left
    assert {n: (out / n).read_bytes() for n in _visible(out)} == before
    assert _temporaries(out) == []
    # outputs onto the full disk
    r = run_make_pdf([str(d / "article.yaml"), "-o", str(full / "out" / "article.pdf"), "--fonts", catalog, "-q"],
                     zhpaper_cache, cwd=str(d), prefix=prefix)
    assert r.returncode == 2, r.stderr
    lines = r.stderr.strip().splitlines()
    assert len(lines) == 1 and "cannot write output (No space left on device)" in lines[0], r.stderr
    assert f"{full / 'out'}/article." in lines[0] and "free space" in lines[0], r.stderr
    assert _listed(full / "out") == [] and _temporaries(full) == []


# ---------------------------------------------------------------- watch


def _watch(d, catalog, cache, out):
    return subprocess.Popen([sys.executable, MAKE_PDF, str(d / "article.yaml"), "-o", str(out / "article.pdf"),
                             "--fonts", catalog, "--watch"], cwd=str(d), env=cli_env(cache), stdout=subprocess.PIPE,
                            stderr=subprocess.PIPE, text=True, preexec_fn=_own_group)


def _until(proc, what: str, limit: float = 120) -> None:
    """Read the watch's stderr up to a line holding `what`."""
    deadline = time.monotonic() + limit
    while True:
        line = proc.stderr.readline()
        assert line, f"the watch ended before {what!r}"
        if what in line:
            return
        assert time.monotonic() < deadline, f"no {what!r}"


def _shows(out, sha: str, limit: float = 60) -> dict:
    """Wait (bounded) until the set in `out` is the one built from the page file of `sha`; its manifest."""
    deadline = time.monotonic() + limit
    while True:
        try:
            manifest = _check_set(out, "article")
            if _source_sha(manifest, "article.yaml") == sha:
                return manifest
        except (OSError, ValueError, AssertionError):
            pass  # (between two of our reads a switch may come: read again)
        assert time.monotonic() < deadline, "the last save was never built"
        time.sleep(0.02)


def test_watch_loses_no_save_and_ends_cleanly_on_sigterm_and_sighup(desk, catalog, zhpaper_cache, tmp_path):
    """A save during the first build and one during its warm-up (as soon as `built` shows) are both built:
    the last save wins. SIGTERM, and in a second watch SIGHUP, right after a save: exit 0, "stopped
    watching", the set whole (the previous or the new one) and no temporary file."""
    d, versions = desk
    shas = [hashlib.sha256(v.encode()).hexdigest() for v in versions]
    out = tmp_path / "out"
    rng = random.Random(SEED)
    for k, sig in enumerate((signal.SIGTERM, signal.SIGHUP)):
        _save(d / "article.yaml", versions[0])
        proc = _watch(d, catalog, zhpaper_cache, out)
        try:
            _until(proc, "watching")
            if k == 0:
                _save(d / "article.yaml", versions[1])  # during the first build
                _until(proc, "] built ")
                _save(d / "article.yaml", versions[2])  # during the warm-up that follows it
                _shows(out, shas[2])
                _save(d / "article.yaml", versions[1])
            else:
                _shows(out, shas[0])
                _save(d / "article.yaml", versions[2])
            time.sleep(rng.uniform(0.0, 0.3))  # right after the save: the build under way, or about to be
            os.killpg(proc.pid, sig)
            _, err = proc.communicate(timeout=60)
        finally:
            if proc.poll() is None:
                os.killpg(proc.pid, signal.SIGKILL)
                proc.wait()
        assert proc.returncode == 0, err
        assert err.rstrip().endswith(f"stopped watching ({signal.Signals(sig).name})"), err
        assert "Traceback" not in err
        manifest = _check_set(out, "article")
        assert _source_sha(manifest, "article.yaml") in ((shas[2], shas[1]) if k == 0 else (shas[0], shas[2]))
        assert "article.png" in manifest["outputs"]  # the proof is of the set, and vouched for
        assert _temporaries(out) == []


def test_a_cache_folder_loses_the_temporaries_of_killed_writers(tmp_path):
    """A cache entry is written to a temporary beside it first; one left by a killed process goes the
    first time this process writes into that folder."""
    from layout.base.cachefile import Store

    dead = subprocess.Popen([sys.executable, "-c", "pass"])
    dead.wait()
    store = Store(str(tmp_path), "facts-test")
    os.makedirs(store.folder)
    left = os.path.join(store.folder, f"{outset.TMP}{dead.pid}-7-0a0b.entry")
    with open(left, "wb") as fh:
        fh.write(b"half an entry")
    assert store.put("entry", "key", b"content")
    assert sorted(os.listdir(store.folder)) == ["entry"]
