/* realist-kg context × mechanism heatmap. Reads its data from #hm-data (JSON) and writes it into
   the page with textContent only: a label is always text, never markup. Requests nothing. */
(function () {
  "use strict";
  var data = JSON.parse(document.getElementById("hm-data").textContent);
  var F = {row: 0, col: 1, studies: 2, fired: 3, notFired: 4, words: 7, cmocs: 8};
  var state = {selected: null, minStudies: data.min_studies};
  var buttons = [];  // one per cell, in data.cells order

  function el(tag, cls, text) {
    var e = document.createElement(tag);
    if (cls) e.className = cls;
    if (text !== undefined && text !== null) e.textContent = String(text);
    return e;
  }
  function shadeOf(n) {
    for (var i = 0; i < data.shades.length; i++) if (n <= data.shades[i].high) return data.shades[i];
    return data.shades[data.shades.length - 1];
  }
  function cellName(c) {
    return data.rows[c[F.row]].label + " \u00d7 " + data.columns[c[F.col]].label;
  }

  function header() {
    document.getElementById("hm-title").textContent = data.title;
    document.getElementById("hm-subtitle").textContent = data.subtitle;
    document.getElementById("hm-min-studies").value = String(data.min_studies);
    var legend = document.getElementById("hm-legend");
    legend.appendChild(el("span", null, "Studies in the cell:"));
    data.shades.forEach(function (s) {
      var key = el("span", "hm-key"), sw = el("span", "hm-swatch");
      sw.style.background = s.fill;
      key.appendChild(sw); key.appendChild(el("span", null, s.label));
      legend.appendChild(key);
    });
    legend.appendChild(el("span", null, "Bar under the number: CMOcs whose mechanism"));
    [[data.colours.fired, "fired"], [data.colours.not_fired, "did not fire"]].forEach(function (p) {
      var key = el("span", "hm-key"), bar = el("span", "hm-barkey");
      bar.style.background = p[0];
      key.appendChild(bar); key.appendChild(el("span", null, p[1]));
      legend.appendChild(key);
    });
  }

  function bar(c) {
    // One element per cell: the fired share dark, the rest red, as a hard-stop gradient.
    var b = el("span", "hm-bar"), cut = 100 * c[F.fired] / (c[F.fired] + c[F.notFired]);
    b.style.background = "linear-gradient(to right, " + data.colours.fired + " " + cut + "%, " +
      data.colours.not_fired + " " + cut + "%)";
    return b;
  }

  function table() {
    var scroll = document.getElementById("hm-scroll");
    if (!data.cells.length) {
      scroll.appendChild(el("p", null, "No context and mechanism are found together with these filters."))
        .id = "hm-empty";
      return;
    }
    var t = el("table", "hm"), thead = el("thead"), tr = el("tr"), tbody = el("tbody");
    var corner = el("th", "hm-corner", "Context \u2193 \u00b7 mechanism \u2192");
    corner.scope = "col";
    tr.appendChild(corner);
    data.columns.forEach(function (c, i) {
      var th = el("th");
      th.scope = "col"; th.id = "hm-c" + i;
      th.appendChild(el("span", "hm-vl", c.label));
      tr.appendChild(th);
    });
    thead.appendChild(tr);
    var emptyCells = new Array(data.columns.length + 1).join("<td></td>");
    var byRow = {};
    data.cells.forEach(function (c, k) { (byRow[c[F.row]] = byRow[c[F.row]] || []).push(k); });
    data.rows.forEach(function (r, i) {
      var row = el("tr"), th = el("th", r.group ? "hm-group" : null, r.label);
      th.scope = "row"; th.id = "hm-r" + i;
      th.style.paddingLeft = (8 + 16 * r.depth) + "px";
      row.appendChild(th);
      // Empty cells come from a fixed string (no data in it): far faster than one call each.
      row.insertAdjacentHTML("beforeend", emptyCells);
      var tds = row.children;
      (byRow[i] || []).forEach(function (k) {
        var c = data.cells[k], s = shadeOf(c[F.studies]), b = el("button", "hm-cell");
        b.type = "button";
        b.dataset.k = String(k);
        b.style.background = s.fill; b.style.color = s.ink;
        b.setAttribute("aria-label", cellName(c) + ": " + c[F.words]);
        b.appendChild(el("span", null, c[F.studies]));
        b.appendChild(bar(c));
        tds[c[F.col] + 1].appendChild(b);
        buttons[k] = b;
      });
      tbody.appendChild(row);
    });
    t.appendChild(thead); t.appendChild(tbody);
    scroll.appendChild(t);
  }

  var tip = document.getElementById("hm-tip");
  function mark(c, on) {
    [document.getElementById("hm-r" + c[F.row]), document.getElementById("hm-c" + c[F.col])]
      .forEach(function (h) { if (h) h.classList.toggle("hm-on", on); });
  }
  function showTip(k, x, y) {
    var c = data.cells[k];
    tip.textContent = "";
    tip.appendChild(el("strong", null, cellName(c)));
    tip.appendChild(el("span", null, c[F.words]));
    tip.style.display = "block";
    var w = tip.offsetWidth, h = tip.offsetHeight;
    tip.style.left = Math.max(4, Math.min(x + 14, window.innerWidth - w - 4)) + "px";
    tip.style.top = Math.max(4, (y + 16 + h > window.innerHeight ? y - h - 10 : y + 16)) + "px";
    mark(c, true);
  }
  function hideTip(k) {
    tip.style.display = "none";
    if (k !== undefined) mark(data.cells[k], false);
  }

  function quoteBlock(q) {
    var block = el("blockquote");
    block.appendChild(el("span", null, "\u201c" + q.quote + "\u201d"));
    var where = [q.study, q.page ? "p. " + q.page : null].filter(Boolean).join(", ");
    var cite = el("cite", null, where || "no study recorded");
    if (q.passage) {
      var a = el("a", null, "open the passage");
      a.href = q.passage; a.target = "_blank"; a.rel = "noopener";
      cite.appendChild(document.createTextNode(" \u00b7 "));
      cite.appendChild(a);
    }
    block.appendChild(cite);
    return block;
  }

  function select(k) {
    var panel = document.getElementById("hm-panel");
    if (state.selected !== null && buttons[state.selected]) buttons[state.selected].classList.remove("hm-selected");
    state.selected = k;
    panel.textContent = "";
    if (k === null) {
      panel.classList.remove("hm-open");
      panel.appendChild(el("p", "hm-hint", data.hint));
      return;
    }
    var c = data.cells[k];
    buttons[k].classList.add("hm-selected");
    panel.classList.add("hm-open");
    var close = el("button", "hm-close", "\u00d7");
    close.type = "button"; close.setAttribute("aria-label", "Close the evidence");
    close.addEventListener("click", function () { var b = buttons[k]; select(null); b.focus(); });
    panel.appendChild(close);
    panel.appendChild(el("h2", null, cellName(c)));
    panel.appendChild(el("p", null, c[F.words]));
    c[F.cmocs].forEach(function (i) {
      var m = data.cmocs[i], h = el("h3", null, "CMOc " + m.id);
      var tag = el("span", m.fired ? "hm-tag" : "hm-tag hm-no", m.fired ? "fired" : "did not fire");
      h.appendChild(tag);
      panel.appendChild(h);
      var facts = el("p", "hm-muted", m.studies.length ? "Studies: " : "No study recorded");
      m.studies.forEach(function (key, j) {
        // A study's title, where recorded, shows on hover over its key.
        var s = facts.appendChild(el("span", null, key + (j < m.studies.length - 1 ? "; " : "")));
        if (data.study_titles[key]) s.title = data.study_titles[key];
      });
      var more = [];
      if (m.direction) more.push("outcome " + m.direction);
      if (data.reviews > 1) more.push("review " + m.review);
      if (more.length) facts.appendChild(document.createTextNode(" \u00b7 " + more.join(" \u00b7 ")));
      panel.appendChild(facts);
      if (!m.quotes.length) panel.appendChild(el("p", "hm-muted", "No quote recorded."));
      m.quotes.forEach(function (q) { panel.appendChild(quoteBlock(q)); });
    });
    panel.scrollTop = 0;
    // The panel may have taken room from the grid (narrow windows): keep the cell in sight.
    buttons[k].scrollIntoView({block: "nearest", inline: "nearest"});
  }

  function applyMin(n) {
    state.minStudies = Math.max(1, n | 0);
    var shown = 0;
    data.cells.forEach(function (c, k) {
      var off = c[F.studies] < state.minStudies;
      buttons[k].parentNode.classList.toggle("hm-off", off);
      buttons[k].disabled = off;
      if (!off) shown++;
    });
    document.getElementById("hm-counts").textContent = shown + " of " + data.cells.length + " cells shown";
    api.shown = shown;
    return shown;
  }

  function neighbour(k, dr, dc) {
    // The nearest shown cell from cell k in a direction: same row (or column) first.
    var c = data.cells[k], best = null, bestD = Infinity;
    data.cells.forEach(function (o, j) {
      if (j === k || buttons[j].disabled) return;
      var r = o[F.row] - c[F.row], q = o[F.col] - c[F.col];
      var along = dr ? r * dr : q * dc, across = dr ? Math.abs(q) : Math.abs(r);
      if (along <= 0) return;
      var d = along + 4 * across;
      if (d < bestD) { bestD = d; best = j; }
    });
    return best;
  }

  function wire() {
    var scroll = document.getElementById("hm-scroll");
    scroll.addEventListener("mouseover", function (e) {
      var b = e.target.closest && e.target.closest("button.hm-cell");
      if (b) showTip(+b.dataset.k, e.clientX, e.clientY);
    });
    scroll.addEventListener("mouseout", function (e) {
      var b = e.target.closest && e.target.closest("button.hm-cell");
      if (b) hideTip(+b.dataset.k);
    });
    scroll.addEventListener("focusin", function (e) {
      if (!e.target.classList.contains("hm-cell")) return;
      var r = e.target.getBoundingClientRect();
      showTip(+e.target.dataset.k, r.right, r.bottom);
    });
    scroll.addEventListener("focusout", function (e) {
      if (e.target.classList.contains("hm-cell")) hideTip(+e.target.dataset.k);
    });
    scroll.addEventListener("click", function (e) {
      var b = e.target.closest && e.target.closest("button.hm-cell");
      if (b) select(+b.dataset.k);
    });
    scroll.addEventListener("keydown", function (e) {
      if (!e.target.classList.contains("hm-cell")) return;
      var moves = {ArrowUp: [-1, 0], ArrowDown: [1, 0], ArrowLeft: [0, -1], ArrowRight: [0, 1]};
      if (e.key === "Escape") { select(null); return; }
      var m = moves[e.key];
      if (!m) return;
      var j = neighbour(+e.target.dataset.k, m[0], m[1]);
      if (j !== null) { buttons[j].focus(); buttons[j].scrollIntoView({block: "nearest", inline: "nearest"}); }
      e.preventDefault();
    });
    var min = document.getElementById("hm-min-studies");
    min.addEventListener("change", function () { applyMin(parseInt(min.value, 10) || 1); });
    document.getElementById("hm-reset").addEventListener("click", function () {
      min.value = String(data.min_studies); applyMin(data.min_studies); select(null);
    });
  }

  var api = {data: data, stable: false, shown: 0, select: select, applyMin: applyMin,
             get selected() { return state.selected; }};
  window.cmoHeatmap = api;
  header();
  table();
  if (data.cells.length) { wire(); applyMin(data.min_studies); }
  select(null);
  api.readyAt = performance.now();
  api.stable = true;
})();
