// The proof desk in the browser: shows what the server's builds publish (layout/app/deskweb.py).
// Read-only: it only ever GETs from its own server. Nothing here is loaded from anywhere else.
"use strict";

const desk = {
  config: null,   // pages, editor URL scheme
  pages: {},      // page id → its latest state
  current: null,  // the page shown
  shown: null,    // {page, version, at}: the proof on screen (read by the browser tests)
  received: 0,    // when the last message came (ms since the epoch)
  outlines: false,
  changes: true,
};
window.zhpaperDesk = desk;

const $ = (id) => document.getElementById(id);

function el(tag, cls, text) {
  const e = document.createElement(tag);
  if (cls) e.className = cls;
  if (text !== undefined) e.textContent = text;
  return e;
}

function connect() {
  const events = new EventSource("/events");
  events.onmessage = (ev) => {
    const m = JSON.parse(ev.data);
    desk.received = Date.now();
    if (m.type === "desk") {
      desk.config = m.config;
      for (const [id, st] of Object.entries(m.pages)) desk.pages[id] = st;
      if (!desk.current && desk.config.pages.length) desk.current = desk.config.pages[0].id;
      thumbs();
      if (desk.pages[desk.current]) show(desk.pages[desk.current]);
      else status("building…", "");
    } else if (m.type === "page") {
      desk.pages[m.page] = m.state;
      thumbs();
      if (m.page === desk.current) show(m.state);
    }
  };
  events.onerror = () => status("reconnecting…", "bad");
}

function status(text, kind) {
  const s = $("status");
  s.textContent = text;
  s.className = "status " + (kind || "");
}

function show(st) {
  $("page-name").textContent = st.name || "";
  const err = $("error");
  if (st.error) {
    err.hidden = false;
    err.replaceChildren(el("span", "", "build failed: " + st.error.message + " "));
    if (st.error.line) err.append(placeLink(st.error, "show the line"));
    status("failed " + st.built_at + (st.proof ? " — the last good proof is shown" : ""), "bad");
  } else {
    err.hidden = true;
    status("built " + st.built_at + " in " + st.build_ms + " ms", "ok");
  }
  const pdf = $("pdf-link");
  pdf.hidden = !(st.outputs && st.outputs.pdf);
  if (!pdf.hidden) pdf.href = st.outputs.pdf;
  findings(st);
  movedList(st);
  const img = $("proof");
  if (st.proof && img.dataset.src !== st.proof) {
    // Loaded and decoded off screen, then swapped in: the old proof stays until the new one is ready.
    const next = new Image();
    next.src = st.proof;
    next.decode().then(() => {
      if (desk.pages[desk.current] !== st) return;  // a newer build came meanwhile
      img.src = next.src;
      img.dataset.src = st.proof;
      img.dataset.version = st.version;
      overlays(st);
      desk.shown = { page: st.id, version: st.version, at: Date.now() };
    }).catch(() => status("could not load the proof", "bad"));
  } else {
    overlays(st);
  }
}

function overlays(st) {
  const box = st.box;
  const outl = $("outlines"), chg = $("changes");
  outl.replaceChildren();
  chg.replaceChildren();
  if (!box) return;
  const pct = (v, whole) => (100 * v / whole) + "%";
  for (const m of st.modules) {
    const d = el("div", "module " + m.kind + (m.change ? " " + m.change : ""));
    d.dataset.id = m.id;
    d.style.left = pct(m.x_mm, box.width_mm);
    d.style.top = pct(m.y_mm, box.height_mm);
    d.style.width = pct(m.width_mm, box.width_mm);
    d.style.height = pct(m.height_mm, box.height_mm);
    d.append(el("span", "label", (m.rank ? m.rank + " · " : "") + m.id + (m.change ? " · " + m.change : "")));
    d.addEventListener("mousemove", (ev) => tip(m, ev));
    d.addEventListener("mouseleave", () => { $("tip").hidden = true; });
    outl.append(d);
  }
  for (const [x, y, w, h] of st.changed || []) {
    const c = el("div", "change");
    c.style.left = (100 * x) + "%"; c.style.top = (100 * y) + "%";
    c.style.width = (100 * w) + "%"; c.style.height = (100 * h) + "%";
    chg.append(c);
  }
  outl.hidden = !desk.outlines;
  chg.hidden = !desk.changes;
}

const FIGURE_NAMES = {
  body_lines: "正文 lines", body_columns: "栏 columns", body_measure_chars: "字/行 chars per line",
  stream_rows: "rows", overflow_lines: "超 lines over", chars_over: "≈ 超字 chars over",
  empty_rows: "缺 rows short", chars_short: "≈ 缺字 chars short", widows: "孤行 widows", orphans: "orphans",
  lonely_last_chars: "孤字", stranded_subheads: "背题", briefs_lines: "简讯 lines",
};

function tip(m, ev) {
  const t = $("tip");
  t.replaceChildren(el("strong", "", m.id), el("div", "", m.title || ""));
  const dl = el("dl");
  const rows = [["kind", m.kind], ["rank 排位", m.rank || "—"],
    ["place mm", `${m.x_mm.toFixed(1)}, ${m.y_mm.toFixed(1)}; ${m.width_mm.toFixed(1)} × ${m.height_mm.toFixed(1)}`]];
  for (const [k, v] of Object.entries(m.figures || {})) rows.push([FIGURE_NAMES[k] || k, v]);
  if (m.change) rows.push(["since last build", m.change]);
  for (const [k, v] of rows) dl.append(el("dt", "", k), el("dd", "", String(v)));
  t.append(dl);
  t.hidden = false;
  t.style.left = Math.min(ev.clientX + 14, window.innerWidth - t.offsetWidth - 8) + "px";
  t.style.top = Math.min(ev.clientY + 14, window.innerHeight - t.offsetHeight - 8) + "px";
}

function placeLink(f, text) {
  const a = el("a", "place", text || `${fileName(f)}:${f.line}`);
  a.href = "#";
  a.addEventListener("click", (ev) => { ev.preventDefault(); ev.stopPropagation(); source(f); });
  return a;
}

function fileName(f) {
  return f.file ? decodeURIComponent(f.file.split("/").slice(3).join("/")) : (f.where || "").split(":")[0];
}

function findings(st) {
  const ul = $("findings");
  ul.replaceChildren();
  const n = { error: 0, warning: 0, info: 0 };
  for (const f of st.findings || []) {
    n[f.severity] += 1;
    const li = el("li", "finding " + f.severity);
    li.dataset.line = f.line || "";
    li.dataset.col = f.col || "";
    li.append(el("span", "sev " + f.severity, f.severity), el("span", "msg", f.message));
    if (f.line) {
      li.append(el("span", "place", `${fileName(f)}:${f.line}` + (f.field ? "  " + f.field.split(" ")[0] : "")));
      li.addEventListener("click", () => {
        for (const other of ul.children) other.classList.remove("current");
        li.classList.add("current");
        source(f);
      });
    } else if (f.where) {
      li.append(el("span", "place", f.where));
    }
    ul.append(li);
  }
  $("counts").textContent = `${n.error} · ${n.warning} · ${n.info}`;
}

function movedList(st) {
  const ul = $("moved");
  ul.replaceChildren();
  for (const m of st.modules || []) {
    if (m.change) ul.append(el("li", "", `${m.id}: ${m.change}`));
  }
  for (const id of st.gone || []) ul.append(el("li", "", `${id}: gone`));
  if (!ul.children.length) ul.append(el("li", "none", "nothing since the build before"));
}

async function source(f) {
  const panel = $("source");
  panel.hidden = false;
  $("source-name").textContent = `${fileName(f)}:${f.line}`;
  const edit = $("editor-link");
  const scheme = desk.config && desk.config.editor_url;
  edit.hidden = !(scheme && f.abs);
  if (!edit.hidden) {
    edit.href = scheme.replaceAll("{path}", f.abs).replaceAll("{line}", f.line).replaceAll("{col}", f.col || 1);
  }
  const pre = $("source-text");
  pre.replaceChildren();
  if (!f.file) {
    pre.append(el("span", "", "(this file is outside the desk's folders)"));
    return;
  }
  const r = await fetch(f.file, { cache: "no-cache" });
  if (!r.ok) { pre.append(el("span", "", "(the file cannot be read now)")); return; }
  const lines = (await r.text()).split("\n");
  const from = Math.max(1, f.line - 6), to = Math.min(lines.length, f.line + 6);
  for (let i = from; i <= to; i++) {
    const s = el("span", i === f.line ? "current" : "", lines[i - 1]);
    s.dataset.n = i;
    pre.append(s);
  }
  const cur = pre.querySelector(".current");
  if (cur) cur.scrollIntoView({ block: "nearest" });
}

function thumbs() {
  const aside = $("pages");
  const list = (desk.config && desk.config.pages) || [];
  aside.hidden = list.length < 2;
  if (aside.hidden) return;
  aside.replaceChildren();
  for (const p of list) {
    const st = desk.pages[p.id];
    const fig = el("figure", (p.id === desk.current ? "current" : "") + (st && st.error ? " bad" : ""));
    fig.dataset.id = p.id;
    if (st && st.proof) { const i = el("img"); i.src = st.proof; i.alt = p.name; fig.append(i); }
    fig.append(el("figcaption", "", p.name));
    fig.addEventListener("click", () => {
      desk.current = p.id;
      thumbs();
      if (desk.pages[p.id]) show(desk.pages[p.id]);
    });
    aside.append(fig);
  }
}

function toggle(name, button) {
  desk[name] = !desk[name];
  button.setAttribute("aria-pressed", String(desk[name]));
  $(name).hidden = !desk[name];
  if (!desk[name] && name === "outlines") $("tip").hidden = true;
}

document.addEventListener("DOMContentLoaded", () => {
  $("toggle-outlines").addEventListener("click", (ev) => toggle("outlines", ev.currentTarget));
  $("toggle-changes").addEventListener("click", (ev) => toggle("changes", ev.currentTarget));
  document.addEventListener("keydown", (ev) => {
    if (ev.target.closest("input, textarea")) return;
    if (ev.key === "o") toggle("outlines", $("toggle-outlines"));
    if (ev.key === "c") toggle("changes", $("toggle-changes"));
  });
  connect();
});
