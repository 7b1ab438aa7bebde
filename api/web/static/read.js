// The reading page: coded passages shown with their CMOcs, stripes placed beside them, and (for
// editors) tagging selected passages into a CMOc builder and saving it.
//
// Offsets are code points in the source's normalised text, as anchors count them: every piece of
// text is a <span> or <mark> whose data-o says where it begins, so a selection is turned into an
// anchor from the DOM position and those attributes, never by searching for the text.
import { send } from "/static/workbench.js";

const reader = document.getElementById("reader");
const review = reader.dataset.review;
const here = { source: reader.dataset.source, file: reader.dataset.file, study: reader.dataset.study };
const api = `/workbench/reviews/${encodeURIComponent(review)}`;
const PARTS = { context: "Context", mechanism: "Mechanism", resource: "Resource", outcome: "Outcome", "": "Quote" };
const KEYS = { c: "context", m: "mechanism", r: "resource", o: "outcome", q: "" };

const codePoints = (s) => Array.from(s).length;

// ---- Coded passages: stripes, and the CMOcs behind them -------------------------------------
function placeStripes() {
  for (const page of document.querySelectorAll(".page")) {
    const lanes = [];
    const box = page.querySelector(".margin").getBoundingClientRect();
    for (const stripe of page.querySelectorAll(".stripe")) {
      const marks = [...page.querySelectorAll("mark[data-ev]")]
        .filter((m) => m.dataset.ev.split(" ").includes(stripe.dataset.ev));
      if (!marks.length) continue;
      const rects = marks.flatMap((m) => [...m.getClientRects()]);
      const top = Math.min(...rects.map((r) => r.top)) - box.top;
      const bottom = Math.max(...rects.map((r) => r.bottom)) - box.top;
      let lane = lanes.findIndex((end) => end <= top);
      if (lane < 0) { lane = lanes.length; lanes.push(bottom); } else { lanes[lane] = bottom; }
      stripe.style.top = `${top}px`;
      stripe.style.height = `${Math.max(bottom - top, 8)}px`;
      stripe.style.left = `${lane * 7}px`;
    }
  }
}

function showCmocs(ids, from) {
  for (const el of document.querySelectorAll(".active")) el.classList.remove("active");
  const wanted = new Set(ids);
  for (const card of document.querySelectorAll(".cmoc-card")) card.hidden = !wanted.has(card.dataset.cmoc);
  for (const el of document.querySelectorAll("[data-cmocs]")) {
    if (el.dataset.cmocs.split(" ").some((id) => wanted.has(id))) el.classList.add("active");
  }
  const hint = document.getElementById("cmoc-hint");
  if (hint) hint.hidden = wanted.size > 0;
  if (from && from.classList.contains("stripe")) document.getElementById("cmoc-panel").scrollIntoView({ block: "nearest" });
}

document.addEventListener("click", (event) => {
  const target = event.target.closest("mark[data-cmocs], .stripe");
  if (target && window.getSelection().isCollapsed) showCmocs(target.dataset.cmocs.split(" "), target);
});
document.getElementById("stripes").addEventListener("change", (event) => {
  reader.classList.remove("by-kind", "by-cmoc");
  reader.classList.add(event.target.value);
});
window.addEventListener("resize", placeStripes);
placeStripes();
const saved = new URLSearchParams(window.location.search).get("saved");
if (saved) showCmocs([saved]);

// ---- Tagging (editors only: the page has a builder) ------------------------------------------
const form = document.getElementById("builder");
if (form) startBuilder();
performance.mark("reader-ready"); // bench/reading_bench.py: when the page can be used

function startBuilder() {
  const toolbar = document.getElementById("tag-toolbar");
  const list = document.getElementById("passages");
  const draftKey = `rkg-draft:${review}:${here.study}`;
  const fields = ["contexts", "mechanism", "resource", "outcomes", "programme_theory", "leads_to", "notes",
    "outcome_direction", "confidence"];
  let draft = load();
  let checked = null; // the labels last shown as new, so a second Save creates them knowingly

  function load() {
    try { return JSON.parse(sessionStorage.getItem(draftKey)) || { passages: [], values: {} }; }
    catch { return { passages: [], values: {} }; }
  }
  function store() {
    draft.values = Object.fromEntries(fields.map((f) => [f, form.elements[f].value]));
    draft.values.mechanism_fired = form.elements.mechanism_fired.checked;
    sessionStorage.setItem(draftKey, JSON.stringify(draft));
  }
  for (const f of fields) if (draft.values[f] !== undefined) form.elements[f].value = draft.values[f];
  if (draft.values.mechanism_fired === false) form.elements.mechanism_fired.checked = false;

  // Where a DOM point is in the source's text (code points), from the data-o of its piece.
  function offsetOf(node, offset) {
    if (node.nodeType === Node.TEXT_NODE) {
      const piece = node.parentElement.closest("[data-o]");
      return piece ? Number(piece.dataset.o) + codePoints(node.data.slice(0, offset)) : null;
    }
    if (node.dataset && node.dataset.o !== undefined) { // inside one piece: before or after its text
      return Number(node.dataset.o) + (offset > 0 ? codePoints(node.textContent) : 0);
    }
    const pieces = [...node.children].filter((c) => c.dataset.o !== undefined);
    if (!pieces.length) return null;
    if (offset < pieces.length) return Number(pieces[offset].dataset.o);
    const last = pieces[pieces.length - 1];
    return Number(last.dataset.o) + codePoints(last.textContent);
  }

  function currentPassage() {
    const sel = window.getSelection();
    if (!sel.rangeCount || sel.isCollapsed) return null;
    const range = sel.getRangeAt(0);
    const startText = range.startContainer.parentElement || range.startContainer;
    const endText = range.endContainer.parentElement || range.endContainer;
    const startPage = startText.closest && startText.closest(".page .text");
    const endPage = endText.closest && endText.closest(".page .text");
    if (!startPage || !endPage) return null;
    let start = offsetOf(range.startContainer, range.startOffset);
    let end = offsetOf(range.endContainer, range.endOffset);
    if (start === null || end === null) return null;
    const text = range.toString();
    start += codePoints(text) - codePoints(text.trimStart());
    end -= codePoints(text) - codePoints(text.trimEnd());
    if (end <= start) return null;
    const page = Number(startPage.closest(".page").id.replace("page-", ""));
    return { source: here.source, file: here.file, start, end, page, text: text.trim() };
  }

  function tag(part) {
    const passage = currentPassage();
    if (!passage) return;
    // The selection stays: the same passage may support several parts (C, then M, then O).
    draft.passages.push({ ...passage, part });
    store();
    drawPassages();
    const status = document.getElementById("tag-status");
    status.textContent = `Added to the builder as ${PARTS[part]}: ${draft.passages.length} passage(s).`;
  }

  function drawPassages() {
    list.replaceChildren();
    draft.passages.forEach((p, i) => {
      const li = document.createElement("li");
      const part = document.createElement("span");
      part.className = `part part-${p.part || "quote"}`;
      part.textContent = PARTS[p.part || ""];
      const body = document.createElement("span");
      const quote = document.createElement("q");
      quote.textContent = p.text.length > 160 ? `${p.text.slice(0, 157)}…` : p.text;
      const where = document.createElement("span");
      where.className = "muted";
      where.textContent = ` p. ${p.page}${p.source !== here.source ? `, ${p.file}` : ""}`;
      body.append(quote, where);
      const remove = document.createElement("button");
      remove.type = "button";
      remove.textContent = "Remove";
      remove.setAttribute("aria-label", `Remove passage ${i + 1} (${PARTS[p.part || ""]})`);
      remove.addEventListener("click", () => { draft.passages.splice(i, 1); store(); drawPassages(); });
      li.append(part, body, remove);
      list.append(li);
    });
    document.getElementById("no-passages").hidden = draft.passages.length > 0;
  }
  drawPassages();

  // The toolbar follows the selection.
  document.addEventListener("selectionchange", () => {
    const passage = currentPassage();
    if (!passage) { if (!toolbar.contains(document.activeElement)) toolbar.hidden = true; return; }
    const rect = window.getSelection().getRangeAt(0).getBoundingClientRect();
    toolbar.hidden = false;
    const width = toolbar.offsetWidth;
    toolbar.style.top = `${window.scrollY + rect.bottom + 6}px`;
    toolbar.style.left = `${Math.max(4, Math.min(window.scrollX + rect.left, window.scrollX + document.documentElement.clientWidth - width - 4))}px`;
  });
  toolbar.addEventListener("mousedown", (event) => event.preventDefault()); // keep the selection
  toolbar.addEventListener("click", (event) => {
    const button = event.target.closest("button[data-part]");
    if (button) tag(button.dataset.part);
  });

  // Keyboard: in a page's text, arrows select sentences; anywhere outside a field, C M R O Q
  // tag the selection and Enter saves.
  document.addEventListener("keydown", (event) => {
    const inField = event.target.closest("input, textarea, select, [role=listbox]");
    if (event.ctrlKey || event.metaKey || event.altKey) return;
    if (!inField && event.target.closest(".page .text") && (event.key === "ArrowDown" || event.key === "ArrowUp")) {
      event.preventDefault();
      stepSentence(event.target.closest(".page .text"), event.key === "ArrowDown" ? 1 : -1, event.shiftKey);
      return;
    }
    if (inField || event.target.closest("button, a")) return;
    const part = KEYS[event.key.toLowerCase()];
    if (part !== undefined && currentPassage()) { event.preventDefault(); tag(part); return; }
    if (event.key === "Enter") { event.preventDefault(); form.requestSubmit(); }
  });

  function sentencesOf(text) {
    const whole = text.textContent;
    const out = [];
    const pattern = /[^.!?\n]+(?:[.!?]+["'”’)]*|(?=\n)|$)/g;
    let m;
    while ((m = pattern.exec(whole))) {
      const lead = m[0].length - m[0].trimStart().length;
      const body = m[0].trim();
      if (body) out.push([m.index + lead, m.index + lead + body.length]);
      if (m[0].length === 0) pattern.lastIndex++;
    }
    return out;
  }
  function pointAt(text, at) { // a (text node, offset) at UTF-16 offset `at` of the page's text
    let seen = 0;
    for (const piece of text.children) {
      const node = piece.firstChild;
      const length = node ? node.data.length : 0;
      if (node && at <= seen + length) return [node, at - seen];
      seen += length;
    }
    const last = text.lastElementChild.firstChild;
    return [last, last.data.length];
  }
  function utf16Of(text, node, offset) {
    let seen = 0;
    for (const piece of text.children) {
      if (piece.firstChild === node) return seen + offset;
      seen += piece.firstChild ? piece.firstChild.data.length : 0;
    }
    return 0;
  }
  function stepSentence(text, step, extend) {
    const sentences = sentencesOf(text);
    if (!sentences.length) return;
    const sel = window.getSelection();
    let anchor = null, focusEnd = -1;
    if (sel.rangeCount && !sel.isCollapsed && text.contains(sel.anchorNode)) {
      const range = sel.getRangeAt(0);
      anchor = utf16Of(text, range.startContainer, range.startOffset);
      focusEnd = utf16Of(text, range.endContainer, range.endOffset);
    }
    let next;
    if (focusEnd < 0) next = step > 0 ? 0 : sentences.length - 1;
    else if (step > 0) next = sentences.findIndex(([s]) => s >= focusEnd);
    else next = sentences.findLastIndex(([, e]) => e <= anchor);
    if (next < 0) return;
    const [s, e] = sentences[next];
    const range = document.createRange();
    const from = extend && anchor !== null ? (step > 0 ? anchor : s) : s;
    const to = extend && anchor !== null ? (step > 0 ? e : focusEnd) : e;
    range.setStart(...pointAt(text, from));
    range.setEnd(...pointAt(text, to));
    sel.removeAllRanges();
    sel.addRange(range);
    const rect = range.getBoundingClientRect();
    if (rect.top < 0 || rect.bottom > window.innerHeight) window.scrollBy({ top: rect.top - window.innerHeight / 3 });
  }

  // ---- Concept fields: autocomplete from the server --------------------------------------------
  for (const input of form.querySelectorAll("input[data-kind]")) combobox(input);

  function combobox(input) {
    const box = document.getElementById(input.getAttribute("aria-controls"));
    let timer = null, items = [], active = -1, asked = 0;
    const many = input.dataset.many === "true";
    const typed = () => (many ? input.value.split(";").pop() : input.value).trim();
    function close() { box.hidden = true; input.setAttribute("aria-expanded", "false"); input.removeAttribute("aria-activedescendant"); active = -1; }
    function pick(i) {
      const label = items[i].label;
      if (many) {
        const parts = input.value.split(";").map((s) => s.trim());
        parts[parts.length - 1] = label;
        input.value = parts.filter(Boolean).join("; ");
      } else input.value = label;
      close();
      store();
      checkLabels();
    }
    function mark(i) {
      active = i;
      box.querySelectorAll("li").forEach((li, j) => li.setAttribute("aria-selected", String(j === i)));
      if (i >= 0) input.setAttribute("aria-activedescendant", box.children[i].id);
    }
    async function ask() {
      const text = typed();
      if (text.length < 2) { close(); return; }
      const n = ++asked;
      const url = `${api}/concepts?kind=${input.dataset.kind}&prefix=${encodeURIComponent(text)}`;
      const answer = await fetch(url, { credentials: "same-origin" });
      if (!answer.ok || n !== asked) return;
      items = await answer.json();
      if (document.activeElement !== input) return; // the reviewer has moved on
      box.replaceChildren();
      items.forEach((c, i) => {
        const li = document.createElement("li");
        li.id = `${box.id}-${i}`;
        li.setAttribute("role", "option");
        li.textContent = c.label;
        if (c.matched && c.matched !== c.label || c.by === "close") {
          const how = document.createElement("span");
          how.className = "how";
          how.textContent = c.by === "close" ? `close to what you typed${c.matched !== c.label ? ` (synonym “${c.matched}”)` : ""}`
            : `synonym “${c.matched}”`;
          li.append(how);
        }
        li.addEventListener("mousedown", (e) => { e.preventDefault(); pick(i); });
        box.append(li);
      });
      box.hidden = items.length === 0;
      input.setAttribute("aria-expanded", String(items.length > 0));
      mark(-1);
    }
    input.addEventListener("input", () => { clearTimeout(timer); timer = setTimeout(ask, 120); store(); checked = null; });
    input.addEventListener("keydown", (event) => {
      if (box.hidden) return;
      if (event.key === "ArrowDown") { event.preventDefault(); mark(Math.min(active + 1, items.length - 1)); }
      else if (event.key === "ArrowUp") { event.preventDefault(); mark(Math.max(active - 1, 0)); }
      else if (event.key === "Enter" && active >= 0) { event.preventDefault(); event.stopPropagation(); pick(active); }
      else if (event.key === "Escape") { close(); }
    });
    input.addEventListener("blur", () => { clearTimeout(timer); asked++; setTimeout(close, 150); checkLabels(); });
  }

  // ---- New labels, shown before saving --------------------------------------------------------
  const labels = (name) => form.elements[name].value.split(";").map((s) => s.trim()).filter(Boolean);
  async function checkLabels() {
    const query = new URLSearchParams();
    labels("contexts").forEach((l) => query.append("context", l));
    labels("outcomes").forEach((l) => query.append("outcome", l));
    if (form.elements.mechanism.value.trim()) query.set("mechanism", form.elements.mechanism.value.trim());
    const box = document.getElementById("label-check");
    if (![...query.keys()].length) { box.replaceChildren(); checked = null; return null; }
    const answer = await fetch(`${api}/concepts/check?${query}`, { credentials: "same-origin" });
    if (!answer.ok) return null;
    const result = await answer.json();
    drawCheck(result);
    return result;
  }
  function drawCheck(result) {
    const box = document.getElementById("label-check");
    box.replaceChildren();
    const fresh = result.labels.filter((l) => l.concept === null);
    box.classList.toggle("fine", fresh.length === 0);
    if (!fresh.length) { box.textContent = "Every label names an existing concept."; return; }
    const head = document.createElement("p");
    head.textContent = `${fresh.length} label${fresh.length > 1 ? "s" : ""} would create a new concept:`;
    const ul = document.createElement("ul");
    for (const l of fresh) {
      const li = document.createElement("li");
      const name = document.createElement("span");
      name.className = "new-label";
      name.textContent = `new ${l.kind} “${l.label}”`;
      li.append(name);
      if (l.near.length) {
        li.append(" — did you mean ");
        l.near.forEach((near, i) => {
          const use = document.createElement("button");
          use.type = "button";
          use.textContent = near;
          use.setAttribute("aria-label", `Use ${near} instead of ${l.label}`);
          use.addEventListener("click", () => replaceLabel(l, near));
          li.append(use, i < l.near.length - 1 ? " or " : "?");
        });
      }
      ul.append(li);
    }
    box.append(head, ul);
  }
  function replaceLabel(l, near) {
    const name = l.field.replace(/\[\d+\]$/, "");
    const input = form.elements[name];
    if (name === "mechanism") input.value = near;
    else {
      const parts = labels(name);
      parts[Number(l.field.match(/\[(\d+)\]/)[1])] = near;
      input.value = parts.join("; ");
    }
    store();
    checked = null;
    checkLabels();
  }

  // ---- Saving ---------------------------------------------------------------------------------
  form.addEventListener("submit", async (event) => {
    event.preventDefault();
    const problem = document.getElementById("save-problem");
    problem.textContent = "";
    if (!draft.passages.length) { problem.textContent = "Select a passage and tag it first."; return; }
    const result = await checkLabels();
    const near = result ? result.labels.filter((l) => l.concept === null && l.near.length) : [];
    const key = JSON.stringify(near.map((l) => [l.field, l.label]));
    if (near.length && checked !== key) {
      checked = key;
      problem.textContent = "Some new labels look like existing ones (see above). Choose one, or press Save CMOc again to create them as new concepts.";
      return;
    }
    const body = {
      study: here.study, contexts: labels("contexts"), mechanism: form.elements.mechanism.value.trim(),
      outcomes: labels("outcomes"), mechanism_fired: form.elements.mechanism_fired.checked,
      evidence: draft.passages.map((p) => ({ source: p.source, start: p.start, end: p.end, part: p.part || null })),
    };
    for (const name of ["resource", "programme_theory", "notes", "outcome_direction", "confidence"]) {
      const value = form.elements[name].value.trim();
      if (value) body[name] = value;
    }
    const leads = labels("leads_to");
    if (leads.length) body.leads_to = leads;
    const button = document.getElementById("b-save");
    button.disabled = true;
    try {
      const answer = await send(`${api}/cmocs`, {
        method: "POST", headers: { "Content-Type": "application/json" }, body: JSON.stringify(body) });
      const written = await answer.json().catch(() => ({}));
      if (!answer.ok) { problem.textContent = describe(written); return; }
      sessionStorage.removeItem(draftKey);
      const back = new URL(window.location.href);
      back.search = `?saved=${encodeURIComponent(written.id)}`;
      back.hash = "";
      window.location.assign(back.toString());
    } finally { button.disabled = false; }
  });
  function describe(problem) {
    const lines = [problem.detail || problem.title || "The CMOc was not saved."];
    for (const p of problem.problems || []) lines.push(`${p.field ? `${p.field}: ` : ""}${p.reason}`);
    return lines.join(" ");
  }
  document.getElementById("b-clear").addEventListener("click", () => {
    draft = { passages: [], values: {} };
    sessionStorage.removeItem(draftKey);
    form.reset();
    drawPassages();
    document.getElementById("label-check").replaceChildren();
  });
  form.addEventListener("change", store);
  if (draft.values.contexts || draft.values.mechanism || draft.values.outcomes) checkLabels();
}
