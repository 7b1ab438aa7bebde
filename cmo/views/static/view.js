/* realist-kg mechanism view: reads its data from <script id="cmo-data" type="application/json">.
 * Every label, definition, study and quote is data: it reaches the page only through
 * textContent, input values and vis-network's canvas labels, never as markup. */
(function () {
  "use strict";
  var data = JSON.parse(document.getElementById("cmo-data").textContent);
  var S = data.style;
  var byId = function (id) { return document.getElementById(id); };

  function el(tag, text, cls) {
    var e = document.createElement(tag);
    if (text !== undefined && text !== null) { e.textContent = String(text); }
    if (cls) { e.className = cls; }
    return e;
  }
  function cut(text, n) {
    text = String(text || "");
    return text.length > n ? text.slice(0, n - 1) + "\u2026" : text;
  }
  function wrap(label) {
    var words = String(label).split(/\s+/), lines = [], line = "";
    words.forEach(function (w) {
      if (line && (line + " " + w).length > 24) { lines.push(line); line = w; }
      else { line = line ? line + " " + w : w; }
    });
    if (line) { lines.push(line); }
    return lines.slice(0, 4).join("\n");
  }
  /* "1 study", "3 studies": the same rule as cmo.words.counted. */
  function counted(n, word) {
    var many = /[^aeiou]y$/.test(word) ? word.slice(0, -1) + "ies"
      : /(s|x|ch|sh)$/.test(word) ? word + "es" : word + "s";
    return n + " " + (n === 1 ? word : many);
  }

  var nodeData = {}, edgeData = {};
  /* Studies come once, in data.study_list; nodes and edges name them by index. */
  function keysOf(list) { return list.map(function (i) { return data.study_list[i]; }); }
  data.nodes.forEach(function (n) { n.study_keys = keysOf(n.study_keys); nodeData[n.id] = n; });
  /* Edges arrive as rows [from, to, relation, fired-or-direction, cmocs, studies,
   * not_fired_only, studies] and become objects here. */
  data.edges = data.edges.map(function (r, i) {
    var e = { id: "e" + i, from: "n" + r[0], to: "n" + r[1], relation: r[2],
              fired: r[2] === "triggers" ? r[3] : null, direction: r[2] === "generates" ? r[3] : null,
              cmocs: r[4], studies: r[5], not_fired_only: r[6], study_keys: keysOf(r[7]) };
    edgeData[e.id] = e;
    return e;
  });

  function nodeColor(n) {
    var c = S.color[n.kind] || "#888";
    return { background: c, border: c, highlight: { background: c, border: "#1f2328" },
             hover: { background: c, border: "#1f2328" } };
  }
  function edgeStyle(e) {
    if (e.relation === "triggers") { return e.fired ? S.fired : S.not_fired; }
    if (e.relation === "leads_to") { return S.leads_to; }
    return S.direction[e.direction] || S.direction.unknown;
  }
  function edgeColor(e) { var c = edgeStyle(e).color; return { color: c, highlight: c, hover: c }; }

  var nodes = new vis.DataSet(data.nodes.map(function (n) {
    return { id: n.id, label: wrap(n.label), x: n.x, y: n.y, fixed: true, shape: S.shape[n.kind],
             value: n.studies, color: nodeColor(n) };
  }));
  var edges = new vis.DataSet(data.edges.map(function (e) {
    var st = edgeStyle(e);
    var edge = { id: e.id, from: e.from, to: e.to, value: e.studies, color: edgeColor(e),
                 dashes: st.dashes || false };
    if (st.curve) { edge.smooth = { enabled: true, type: st.curve, roundness: 0.2 }; }
    return edge;
  }));

  /* The layered layout (contexts -> mechanisms -> outcomes) comes computed with the data;
   * physics only confirms it is stable, then is switched off and the nodes can be dragged. */
  var options = {
    layout: { hierarchical: { enabled: false }, improvedLayout: false, randomSeed: 1 },
    physics: { enabled: true, solver: "barnesHut",
               stabilization: { enabled: true, iterations: 50, updateInterval: 25, fit: true } },
    nodes: { scaling: { min: 8, max: 30, label: { enabled: false } },
             font: { size: 14, face: "system-ui, Arial, sans-serif", color: "#1f2328" },
             borderWidth: 1 },
    edges: { arrows: { to: { enabled: true, scaleFactor: 0.5 } }, smooth: false,
             scaling: { min: 1, max: 8 }, selectionWidth: 1.5 },
    interaction: { hover: true, tooltipDelay: 150, navigationButtons: false, keyboard: false,
                   hideEdgesOnDrag: data.edges.length > 1500 }
  };
  var container = byId("cmo-network");
  var network = new vis.Network(container, { nodes: nodes, edges: edges }, options);
  var view = { data: data, nodes: nodes, edges: edges, stable: false, started: performance.now() };
  window.network = network;
  window.cmoView = view;

  network.once("stabilized", function () {
    network.setOptions({ physics: false });
    nodes.update(data.nodes.map(function (n) { return { id: n.id, fixed: false }; }));
    view.stable = true;
    view.stableAt = performance.now();  // ms since navigation start
    view.stableAfterMs = view.stableAt - view.started;
  });

  /* Header, counts, search list. */
  byId("cmo-title").textContent = data.title;
  byId("cmo-subtitle").textContent = data.subtitle;
  document.title = data.title;
  var labels = byId("cmo-labels");
  data.nodes.slice().sort(function (a, b) { return a.label.localeCompare(b.label); })
    .forEach(function (n) { var o = document.createElement("option"); o.value = n.label; labels.appendChild(o); });

  /* Tooltip: built from text on hover, never from markup. */
  var tip = byId("cmo-tooltip");
  function nodeTip(n) {
    var box = document.createDocumentFragment();
    box.appendChild(el("strong", n.label));
    box.appendChild(el("p", n.kind + " \u00b7 " + counted(n.studies, "study") + " \u00b7 " +
                       counted(n.cmocs, "CMOc") + (n.not_fired ? " (" + n.not_fired + " not fired)" : "")));
    if (n.definition) { box.appendChild(el("p", cut(n.definition, 220))); }
    if (n.study_keys.length) { box.appendChild(el("p", "Studies: " + cut(n.study_keys.join("; "), 160))); }
    if (n.quotes.length) { box.appendChild(el("p", "\u201c" + cut(n.quotes[0].quote, 160) + "\u201d")); }
    return box;
  }
  function edgeTitle(e) {
    var what = e.relation === "triggers" ? (e.fired ? "fires" : "does not fire")
      : e.relation === "leads_to" ? "leads to (CMO chain)" : "produces (" + (e.direction || "unknown") + ")";
    return nodeData[e.from].label + " \u2192 " + nodeData[e.to].label + ": " + what;
  }
  function edgeTip(e) {
    var box = document.createDocumentFragment();
    box.appendChild(el("strong", edgeTitle(e)));
    box.appendChild(el("p", counted(e.studies, "study") + " \u00b7 " + counted(e.cmocs, "CMOc")));
    if (e.study_keys.length) { box.appendChild(el("p", "Studies: " + cut(e.study_keys.join("; "), 160))); }
    return box;
  }
  function showTip(content, pointer) {
    tip.replaceChildren(content);
    tip.style.display = "block";
    var x = pointer.DOM.x + 14, y = pointer.DOM.y + 14;
    var maxX = container.clientWidth - tip.offsetWidth - 4, maxY = container.clientHeight - tip.offsetHeight - 4;
    tip.style.left = Math.max(0, Math.min(x, maxX)) + "px";
    tip.style.top = Math.max(0, Math.min(y, maxY)) + "px";
  }
  function hideTip() { tip.style.display = "none"; }
  network.on("hoverNode", function (p) { showTip(nodeTip(nodeData[p.node]), p.pointer); });
  network.on("hoverEdge", function (p) { showTip(edgeTip(edgeData[p.edge]), p.pointer); });
  network.on("blurNode", hideTip);
  network.on("blurEdge", hideTip);
  network.on("dragStart", hideTip);
  network.on("zoom", hideTip);

  /* Side panel: the concept's definition, counts, studies and quotes. */
  var panel = byId("cmo-panel");
  var panelHint = panel.firstElementChild;
  function section(title, items) {
    var frag = document.createDocumentFragment();
    frag.appendChild(el("h3", title));
    frag.appendChild(items);
    return frag;
  }
  function list(values) {
    var ul = el("ul");
    values.forEach(function (v) { ul.appendChild(el("li", v)); });
    return ul;
  }
  function showPanel(content) {
    var close = el("button", "\u00d7", "cmo-close");
    close.type = "button";
    close.setAttribute("aria-label", "Close");
    close.addEventListener("click", clearSelection);
    panel.replaceChildren(close, content);
    panel.classList.add("cmo-open");
  }
  function nodePanel(n) {
    var f = document.createDocumentFragment();
    var badge = el("span", n.kind, "cmo-kind");
    badge.style.background = S.color[n.kind];
    f.appendChild(badge);
    f.appendChild(el("h2", n.label));
    if (n.definition) { f.appendChild(el("p", n.definition)); }
    if (n.broader.length) { f.appendChild(el("p", "Broader: " + n.broader.join("; "), "cmo-hint")); }
    f.appendChild(el("p", counted(n.cmocs, "CMOc") + " from " + counted(n.studies, "study") + ": " +
                     n.fired + " fired, " + n.not_fired + " not fired. Review " + n.review + "."));
    var studies = n.study_keys.map(function (k) { return data.study_titles[k] ? k + " \u2014 " + data.study_titles[k] : k; });
    if (studies.length) { f.appendChild(section("Supporting studies", list(studies))); }
    if (n.quotes.length) {
      var qs = document.createDocumentFragment();
      n.quotes.forEach(function (q) {
        var b = el("blockquote", "\u201c" + q.quote + "\u201d");
        b.appendChild(el("cite", [q.study, q.page ? "p. " + q.page : null, "CMOc " + q.cmoc]
          .filter(Boolean).join(", ")));
        qs.appendChild(b);
      });
      if (n.more_quotes) { qs.appendChild(el("p", "\u2026 and " + n.more_quotes + " more", "cmo-hint")); }
      f.appendChild(section("Quotes", qs));
    }
    return f;
  }
  function edgePanel(e) {
    var f = document.createDocumentFragment();
    f.appendChild(el("h2", edgeTitle(e)));
    f.appendChild(el("p", counted(e.cmocs, "CMOc") + " from " + counted(e.studies, "study") + "."));
    if (e.study_keys.length) { f.appendChild(section("Supporting studies", list(e.study_keys))); }
    return f;
  }

  /* Click: highlight the neighbourhood, dim the rest. */
  var DIM = "rgba(180,180,180,0.25)";
  function highlight(id) {
    var keepNodes = {}, keepEdges = {};
    keepNodes[id] = true;
    network.getConnectedNodes(id).forEach(function (n) { keepNodes[n] = true; });
    network.getConnectedEdges(id).forEach(function (e) { keepEdges[e] = true; });
    nodes.update(data.nodes.map(function (n) {
      return { id: n.id, color: keepNodes[n.id] ? nodeColor(n) : { background: DIM, border: DIM },
               font: { color: keepNodes[n.id] ? "#1f2328" : "rgba(80,80,80,0.35)" } };
    }));
    edges.update(data.edges.map(function (e) {
      return { id: e.id, color: keepEdges[e.id] ? edgeColor(e) : { color: DIM, highlight: DIM, hover: DIM } };
    }));
    view.highlighted = id;
  }
  function clearSelection() {
    if (view.highlighted !== undefined) {
      nodes.update(data.nodes.map(function (n) { return { id: n.id, color: nodeColor(n), font: { color: "#1f2328" } }; }));
      edges.update(data.edges.map(function (e) { return { id: e.id, color: edgeColor(e) }; }));
      view.highlighted = undefined;
    }
    network.unselectAll();
    panel.replaceChildren(panelHint);
    panel.classList.remove("cmo-open");
  }
  function selectNode(id) {
    hideTip();
    highlight(id);
    showPanel(nodePanel(nodeData[id]));
  }
  network.on("click", function (p) {
    if (p.nodes.length) { selectNode(p.nodes[0]); }
    else if (p.edges.length) { showPanel(edgePanel(edgeData[p.edges[0]])); }
    else { clearSelection(); }
  });
  view.selectNode = selectNode;
  view.clearSelection = clearSelection;

  /* Search: a label (or part of one) focuses and selects the concept. */
  var search = byId("cmo-search");
  function find(text) {
    var q = text.trim().toLowerCase(), hit = null;
    if (!q) { return null; }
    data.nodes.forEach(function (n) {
      var l = n.label.toLowerCase();
      if (nodes.get(n.id).hidden) { return; }
      if (l === q) { hit = n; } else if (!hit && l.indexOf(q) >= 0) { hit = n; }
    });
    return hit;
  }
  function go() {
    var n = find(search.value);
    search.setCustomValidity(n || !search.value ? "" : "No concept matches");
    if (!n) { return; }
    network.selectNodes([n.id]);
    network.focus(n.id, { scale: 1.0, animation: false });
    selectNode(n.id);
  }
  search.addEventListener("change", go);
  search.addEventListener("keydown", function (ev) { if (ev.key === "Enter") { go(); } });
  view.search = function (text) { search.value = text; go(); return find(text); };

  /* Filters: minimum studies, not-fired edges, chain links; all in the page, offline. */
  var minInput = byId("cmo-min-studies"), notFired = byId("cmo-show-not-fired"),
      chainBox = byId("cmo-show-chains"), counts = byId("cmo-counts");
  minInput.min = String(data.min_studies);
  minInput.value = String(data.min_studies);
  minInput.max = String(Math.max(data.min_studies, data.max_studies));
  if (!data.edges.some(function (e) { return e.relation === "leads_to"; })) { chainBox.parentNode.style.display = "none"; }
  function applyFilters() {
    var min = Math.max(1, parseInt(minInput.value, 10) || 1), showNF = notFired.checked, showChains = chainBox.checked;
    var seen = {}, edgeUpdates = [], shownEdges = 0, shownNodes = 0;
    data.edges.forEach(function (e) {
      var show = e.studies >= min && (showNF || !e.not_fired_only) && (showChains || e.relation !== "leads_to");
      if (show) { seen[e.from] = seen[e.to] = true; shownEdges += 1; }
      edgeUpdates.push({ id: e.id, hidden: !show });
    });
    edges.update(edgeUpdates);
    nodes.update(data.nodes.map(function (n) {
      if (seen[n.id]) { shownNodes += 1; }
      return { id: n.id, hidden: !seen[n.id] };
    }));
    counts.textContent = counted(shownNodes, "concept") + ", " + counted(shownEdges, "link");
    view.shown = { nodes: shownNodes, edges: shownEdges };
    return view.shown;
  }
  [minInput, notFired, chainBox].forEach(function (c) { c.addEventListener("change", applyFilters); });
  byId("cmo-reset").addEventListener("click", function () {
    minInput.value = String(data.min_studies); notFired.checked = true; chainBox.checked = true;
    search.value = ""; applyFilters(); clearSelection(); network.fit();
  });
  view.applyFilters = function (opts) {
    if (opts && opts.minStudies !== undefined) { minInput.value = String(opts.minStudies); }
    if (opts && opts.showNotFired !== undefined) { notFired.checked = opts.showNotFired; }
    if (opts && opts.showChains !== undefined) { chainBox.checked = opts.showChains; }
    return applyFilters();
  };
  applyFilters();
})();
