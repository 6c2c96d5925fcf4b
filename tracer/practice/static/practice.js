/* trace-net practice page: typesets the math (KaTeX, served locally), keeps the answers in
   localStorage, sends every answer to the server's checker as it is typed (the server keeps
   nothing), and shows each quantity's verdict, the first error, the score and the hints.
   Downloads and uploads answers files in the checker's YAML. */
(function () {
  "use strict";
  const spec = JSON.parse(document.getElementById("spec").textContent);
  const body = document.body;
  const STORE = "trace-net:practice:" + spec.name + ":" + spec.digest;
  const DECIMAL = /^[+-]?(\d+\.?\d*|\.\d+)([eE][+-]?\d{1,3})?$/;
  const FRACTION = /^[+-]?\d{1,30}\/\d{1,30}$/;
  const cards = [];            // in the order of the worksheet
  const byKey = new Map();
  let tolerance = null;        // from an uploaded answers file, sent back with every request
  let seq = 0, shown = 0, timer = null;

  // -- math -------------------------------------------------------------------------------
  function typeset(el, display) {
    if (!window.katex) return;
    try {
      window.katex.render(el.textContent, el, {displayMode: display, throwOnError: false, strict: "ignore"});
    } catch (e) { /* leave the LaTeX source visible */ }
  }
  function typesetAll() {
    document.querySelectorAll(".m").forEach(el => typeset(el, false));
    document.querySelectorAll(".md").forEach(el => typeset(el, true));
  }

  // -- entries ----------------------------------------------------------------------------
  function normalize(text) {
    return text.trim().replace(/\u2212/g, "-").replace(/\s+/g, "").replace(/^(-?\d*),(\d+)$/, "$1.$2");
  }
  function isNumber(t) { return DECIMAL.test(t) || (FRACTION.test(t) && !/\/[+-]?0+$/.test(t)); }

  spec.quantities.forEach(q => {
    const el = document.querySelector('.card[data-key="' + q.key + '"]');
    const inputs = Array.from(el.querySelectorAll("input.cell"));
    const c = {q: q, el: el, inputs: inputs, status: null, hintShown: false};
    cards.push(c);
    byKey.set(q.key, c);
    inputs.forEach(inp => inp.addEventListener("input", () => { changed(c, inp); }));
    const button = el.querySelector(".hint-button");
    if (button) button.addEventListener("click", () => toggleHint(c));
  });

  function cellAt(c, i, j) { return c.inputs[i * c.q.cols + j]; }

  // the grid's texts in the quantity's own shape: [r][c], a flat list for a vector, a number
  function valueOf(c) {
    const t = c.inputs.map(inp => normalize(inp.value));
    const shape = c.q.shape;
    if (shape.length === 0) return t[0];
    if (shape.length === 1) return t;
    const out = [];
    for (let i = 0; i < shape[0]; i++) out.push(t.slice(i * shape[1], (i + 1) * shape[1]));
    return out;
  }
  function fill(c, value) {
    const flat = [].concat(...[value].flat(2)).map(String);
    c.inputs.forEach((inp, k) => { inp.value = k < flat.length ? flat[k] : ""; mark(inp); });
  }
  function state(c) {
    const t = c.inputs.map(inp => normalize(inp.value));
    const filled = t.filter(x => x !== "").length;
    const bad = t.filter(x => x !== "" && !isNumber(x));
    if (bad.length) return {kind: "invalid", bad: bad};
    if (filled === 0) return {kind: "empty"};
    if (filled < t.length) return {kind: "incomplete", filled: filled, total: t.length};
    return {kind: "complete"};
  }
  function mark(inp) {
    const t = normalize(inp.value);
    inp.classList.toggle("invalid", t !== "" && !isNumber(t));
  }

  // -- storage ----------------------------------------------------------------------------
  function save() {
    const cells = {};
    cards.forEach(c => {
      if (c.inputs.some(inp => inp.value !== "")) cells[c.q.key] = c.inputs.map(inp => inp.value);
    });
    try {
      localStorage.setItem(STORE, JSON.stringify({version: 1, cells: cells, tolerance: tolerance}));
    } catch (e) { /* private mode or full: the page still works */ }
  }
  function restore() {
    let saved = null;
    try { saved = JSON.parse(localStorage.getItem(STORE) || "null"); } catch (e) { saved = null; }
    if (!saved || saved.version !== 1 || typeof saved.cells !== "object") return;
    tolerance = saved.tolerance || null;
    Object.entries(saved.cells).forEach(([key, texts]) => {
      const c = byKey.get(key);
      if (!c || !Array.isArray(texts)) return;
      c.inputs.forEach((inp, k) => { inp.value = typeof texts[k] === "string" ? texts[k] : ""; mark(inp); });
    });
  }

  // -- grading ------------------------------------------------------------------------------
  function changed(c, inp) {
    mark(inp);
    save();
    showLocal();
    clearTimeout(timer);
    timer = setTimeout(grade, 250);
  }

  function answersBody() {
    const steps = [];
    for (let s = 0; s < spec.steps; s++) steps.push({});
    cards.forEach(c => { if (state(c).kind === "complete") steps[c.q.step][c.q.name] = valueOf(c); });
    if (spec.steps === 1) {
      const answers = steps[0];
      if (tolerance) answers.tolerance = tolerance;
      return {answers: answers};
    }
    const out = {steps: steps};
    if (tolerance) out.tolerance = tolerance;
    return out;
  }

  function grade() {
    const b = answersBody();
    const n = spec.steps === 1 ? Object.keys(b.answers).filter(k => k !== "tolerance").length
                               : b.steps.reduce((a, s) => a + Object.keys(s).length, 0);
    const mine = ++seq;
    if (n === 0) { apply(mine, {results: [], summary: null}); return; }
    fetch(body.dataset.check, {method: "POST", headers: {"Content-Type": "application/json"}, body: JSON.stringify(b)})
      .then(r => r.json().then(d => [r.status, d]))
      .then(([status, d]) => {
        if (status !== 200) { if (mine === seq) message((d && d.error) || ("error " + status), true); return; }
        apply(mine, d);
      })
      .catch(() => { if (mine === seq) message("The practice server does not answer: is trace-net practice still running?", true); });
  }

  function apply(mine, report) {
    if (mine < shown) return;           // an older reply arriving late
    shown = mine;
    if (!document.getElementById("message").classList.contains("info")) message(null);
    const got = new Map(report.results.map(r => [r.step + ":" + r.name, r]));
    cards.forEach(c => { c.status = got.get(c.q.key) || null; });
    showLocal();
    showScore(report);
  }

  function showLocal() {
    cards.forEach(c => {
      const st = state(c), v = c.el.querySelector(".verdict"), badge = c.el.querySelector(".badge");
      const r = st.kind === "complete" ? c.status : null;
      c.el.classList.remove("st-correct", "st-carried", "st-wrong", "st-first");
      v.textContent = "";
      badge.textContent = "";
      if (r) {
        c.el.classList.add("st-" + r.status);
        if (r.first_error) c.el.classList.add("st-first");
        badge.textContent = {correct: "✓ correct", carried: "→ carried", wrong: "✗ wrong"}[r.status];
        if (r.status === "wrong") {
          addText(v, "diagnosis", r.diagnosis || "no common slip explains it");
        }
        if (r.note) addText(v, "note", (r.status === "wrong" ? "; " : "") + r.note);
      } else if (st.kind === "invalid") {
        addText(v, "pending", "not a number: " + st.bad.slice(0, 3).map(x => "“" + x + "”").join(", ") +
                " (write 0.25, -1.5e-3 or 1/3)");
      } else if (st.kind === "incomplete") {
        addText(v, "pending", st.filled + " of " + st.total + " entries filled in");
      }
    });
  }
  function addText(parent, cls, text) {
    const s = document.createElement("span");
    s.className = cls;
    s.textContent = text;
    parent.appendChild(s);
  }

  function showScore(report) {
    const s = report.summary;
    const total = cards.length;
    const value = document.getElementById("score-value"), detail = document.getElementById("score-detail");
    const box = document.getElementById("score");
    if (!s || s.given === 0) {
      value.textContent = "0";
      detail.textContent = "nothing answered yet";
      box.classList.remove("full");
      return;
    }
    const right = s.correct + s.carried;
    value.textContent = String(right);
    let text = s.given + " answered: " + s.correct + " correct, " + s.carried + " carried, " + s.wrong + " wrong";
    if (s.first_error) text += " · first error: " + s.first_error.name + (spec.steps > 1 ? " (step " + s.first_error.step + ")" : "");
    if (s.correct === total) text = "full marks: every quantity is correct";
    detail.textContent = text;
    box.classList.toggle("full", s.correct === total);
  }

  function message(text, isError, info) {
    const m = document.getElementById("message");
    m.hidden = !text;
    m.textContent = text || "";
    m.classList.toggle("error", !!isError);
    m.classList.toggle("info", !!info);
  }

  // -- hints --------------------------------------------------------------------------------
  function toggleHint(c, open) {
    const h = c.el.querySelector(".hint");
    if (!h) return;
    const lazy = h.querySelector(".md-lazy");
    const show = open === undefined ? h.hidden : open;
    if (show && lazy && !lazy.dataset.done) { typeset(lazy, true); lazy.dataset.done = "1"; }
    h.hidden = !show;
    c.el.querySelector(".hint-button").textContent = show ? "hide the next line" : "next line";
  }
  document.getElementById("next-line").addEventListener("click", () => {
    const c = cards.find(c => !(c.status && state(c).kind === "complete" && c.status.status !== "wrong"));
    if (!c) { message("Nothing left to do: every quantity is right.", false, true); return; }
    toggleHint(c, true);
    c.el.scrollIntoView({block: "start"});
    (c.inputs.find(inp => normalize(inp.value) === "") || c.inputs[0]).focus({preventScroll: true});
  });

  // -- answers files ------------------------------------------------------------------------
  function yamlNumber(t) { return /^-?\d+(\.\d+)?$/.test(t) ? t : '"' + t + '"'; }
  function yamlValue(v) {
    if (!Array.isArray(v)) return yamlNumber(v);
    return "[" + v.map(yamlValue).join(", ") + "]";
  }
  function answersYaml() {
    const title = document.querySelector("h1").textContent.replace(/[\u0000-\u001f\u007f-\u009f]/g, " ");
    const lines = ["# Answers to: " + title + " (trace-net practice, problem " + spec.name + ")",
                   "# Check them with: trace-net check PROBLEM.yaml THIS_FILE.yaml"];
    const left = [];
    const perStep = [];
    for (let s = 0; s < spec.steps; s++) perStep.push([]);
    cards.forEach(c => {
      const st = state(c);
      if (st.kind === "complete") perStep[c.q.step].push(c.q.name + ": " + yamlValue(valueOf(c)));
      else if (st.kind !== "empty") left.push(c.q.name + (spec.steps > 1 ? " (step " + c.q.step + ")" : ""));
    });
    if (left.length) lines.push("# left out (incomplete or not numbers): " + left.join(", "));
    if (spec.steps === 1) lines.push(...perStep[0]);
    else {
      lines.push("steps:");
      perStep.forEach(items => {
        if (!items.length) { lines.push("  - {}"); return; }
        items.forEach((item, k) => lines.push((k === 0 ? "  - " : "    ") + item));
      });
    }
    if (tolerance) {
      lines.push("tolerance: {" + Object.entries(tolerance).map(([k, v]) => k + ": " + yamlNumber(String(v))).join(", ") + "}");
    }
    return lines.join("\n") + "\n";
  }
  document.getElementById("download").addEventListener("click", () => {
    const blob = new Blob([answersYaml()], {type: "text/yaml"});
    const a = document.createElement("a");
    a.href = URL.createObjectURL(blob);
    a.download = "answers-" + spec.name + ".yaml";
    document.body.appendChild(a);
    a.click();
    setTimeout(() => { URL.revokeObjectURL(a.href); a.remove(); }, 0);
  });
  document.getElementById("upload").addEventListener("change", ev => {
    const file = ev.target.files[0];
    ev.target.value = "";
    if (!file) return;
    file.text().then(text => fetch(body.dataset.upload, {
      method: "POST", headers: {"Content-Type": "text/yaml", "X-Filename": encodeURIComponent(file.name).slice(0, 200)},
      body: text}))
      .then(r => r.json().then(d => [r.status, d]))
      .then(([status, d]) => {
        if (status !== 200) { message((d && d.error) || ("error " + status), true); return; }
        cards.forEach(c => fill(c, ""));
        const notes = d.notes.slice(), unasked = [];
        d.steps.forEach((m, s) => Object.entries(m).forEach(([name, v]) => {
          const c = byKey.get(s + ":" + name);
          if (c) fill(c, v);
          else unasked.push(name + (spec.steps > 1 ? " (step " + s + ")" : ""));
        }));
        if (unasked.length) notes.push("not asked on this page (givens), so left out: " + unasked.join(", "));
        tolerance = d.tolerance && Object.keys(d.tolerance).length ? d.tolerance : null;
        save();
        message("Loaded " + file.name + "." + (notes.length ? " " + notes.join("; ") + "." : ""), false, true);
        grade();
      })
      .catch(() => message("Could not read " + file.name + ".", true));
  });
  document.getElementById("clear").addEventListener("click", () => {
    if (!window.confirm("Clear every answer on this page?")) return;
    cards.forEach(c => fill(c, ""));
    tolerance = null;
    save();
    message(null);
    grade();
  });

  // -- start ----------------------------------------------------------------------------------
  function start() {
    typesetAll();
    restore();
    showLocal();
    grade();
  }
  if (window.katex) start();
  else window.addEventListener("load", start);
})();
