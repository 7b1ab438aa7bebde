/* realist-kg mechanism view: reads its data from <script id="cmo-data" type="application/json">.
 * Every label, definition, study and quote is data: it reaches the page only through
 * textContent, input values and the canvas (vis-network's labels, fillText), never as markup.
 * Nodes and links are those of a pyvis Network, sent as columns; each names the CMOcs behind it
 * (`c`: places in data.cmocs), so a selection follows whole configurations. */
(function () {
  "use strict";
  var data = JSON.parse(document.getElementById("cmo-data").textContent);
  var S = data.style;
  var byId = function (id) { return document.getElementById(id); };
  var FONT = (data.options.nodes && data.options.nodes.font && data.options.nodes.font.size) || 14;
  var FACE = "system-ui, Arial, sans-serif";
  var MIN_SCALE = 0.8, MARGIN = 24, LABEL_PX = 12;

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
  /* "1 study", "3 studies": the same rule as cmo.words.counted. */
  function counted(n, word) {
    var many = /[^aeiou]y$/.test(word) ? word.slice(0, -1) + "ies"
      : /(s|x|ch|sh)$/.test(word) ? word + "es" : word + "s";
    return n + " " + (n === 1 ? word : many);
  }
  /* Columns back to objects; a field listed in `tables` holds places in its list of values. */
  function rows(table) {
    var tables = table.tables || {};
    return table.rows.map(function (r) {
      var o = {};
      table.fields.forEach(function (f, i) {
        var v = tables[f] ? tables[f][r[i]] : r[i];
        if (v !== null && v !== undefined) { o[f] = v; }
      });
      return o;
    });
  }
  function union(lists) {
    var seen = {}, out = [];
    lists.forEach(function (l) { (l || []).forEach(function (v) { if (!seen[v]) { seen[v] = true; out.push(v); } }); });
    return out;
  }

  /* Nodes: `label` is the concept's name (as in the review), `text` the wrapped canvas label. */
  var nodeData = {}, edgeData = {};
  function keysOf(list) { return (list || []).map(function (i) { return data.study_list[i]; }); }
  data.nodes = rows(data.nodes).map(function (n) {
    n.text = n.label;
    n.label = n.name !== undefined ? n.name : n.label;
    n.study_keys = keysOf(n.study_keys);
    n.c = n.c || [];
    n.quotes = n.quotes || [];
    nodeData[n.id] = n;
    return n;
  });
  data.edges = rows(data.edges).map(function (e, i) {
    e.id = "e" + i;
    e.study_keys = keysOf(e.study_keys);
    e.c = e.c || [];
    if (e.studies === undefined) { e.studies = e.study_keys.length; }
    if (e.cmocs === undefined) { e.cmocs = e.c.length; }
    edgeData[e.id] = e;
    return e;
  });
  /* The CMOcs: [id, [context ids], mechanism id, [outcome ids], fired, direction]. */
  var cmocs = data.cmocs.map(function (r) {
    return { id: r[0], contexts: r[1], mechanism: r[2], outcomes: r[3], fired: r[4], direction: r[5] };
  });

  function studiesOf(e) { return e.studies !== undefined ? e.studies : e.study_keys.length; }
  function baseColor(x) { return x.color || S.color[x.kind] || "#888"; }
  function nodeColor(n) {
    var c = baseColor(n);
    if (typeof c !== "string") { return c; }
    return { background: c, border: c, highlight: { background: c, border: "#1f2328" },
             hover: { background: c, border: "#1f2328" } };
  }
  function edgeColor(e) {
    var c = baseColor(e);
    return typeof c === "string" ? { color: c, highlight: c, hover: c } : c;
  }
  var VIS_NODE = ["id", "x", "y", "shape", "size", "font", "borderWidth", "image", "group", "fixed",
                  "physics", "mass", "shadow", "shapeProperties", "icon", "value", "opacity"];
  function visNode(n) {
    var v = {};
    VIS_NODE.forEach(function (k) { if (n[k] !== undefined) { v[k] = n[k]; } });
    v.label = sheet ? n.text : "";  // a map labels its concepts once fitted: chooseLabels
    v.color = nodeColor(n);
    return v;
  }
  var VIS_EDGE = ["id", "from", "to", "value", "width", "dashes", "smooth", "arrows", "label",
                  "font", "physics", "length", "shadow", "selectionWidth", "arrowStrikethrough"];
  function visEdge(e) {
    var v = {};
    VIS_EDGE.forEach(function (k) { if (e[k] !== undefined) { v[k] = e[k]; } });
    v.color = edgeColor(e);
    return v;
  }

  var sheet = data.label_all;  // every label has room: draw at a legible scale, scroll the page
  var nodes = new vis.DataSet(data.nodes.map(visNode));
  var edges = new vis.DataSet(data.edges.map(visEdge));
  var options = data.options;
  options.interaction = Object.assign({}, options.interaction || {},
                                      sheet ? { zoomView: false, dragView: false } : {});
  var container = byId("cmo-network"), scroller = byId("cmo-scroll");
  var network = new vis.Network(container, { nodes: nodes, edges: edges }, options);
  var view = { data: data, nodes: nodes, edges: edges, cmocs: cmocs, stable: false,
               started: performance.now(), folded: {} };
  window.network = network;
  window.cmoView = view;

  /* Group headings (broader concepts no CMOc names), drawn on the canvas as text. */
  var headings = (data.headings || []).map(function (h, i) {
    return { id: "g" + i, label: h.label, x: h.x, y: h.y, depth: h.depth,
             members: h.members.map(function (k) { return data.nodes[k].id; }) };
  });
  /* A heading is not drawn once folded, nor inside a folded broader group. */
  function headingHidden(h) {
    if (view.folded[h.id]) { return true; }
    return Object.keys(view.folded).some(function (gid) {
      var g = groupOf(gid), inside = {};
      if (!g) { return false; }
      g.members.forEach(function (m) { inside[m] = true; });
      return h.members.every(function (m) { return inside[m]; });
    });
  }
  function headingText(h) { return (view.folded[h.id] ? "" : "\u25be ") + h.label; }
  function headingBox(h, ctx) {
    ctx.font = "600 " + FONT + "px " + FACE;
    var w = ctx.measureText(headingText(h)).width;
    return { left: h.x - w / 2, right: h.x + w / 2, top: h.y - FONT * 0.7, bottom: h.y + FONT * 0.7 };
  }
  network.on("beforeDrawing", function (ctx) {
    ctx.save();
    ctx.textAlign = "center";
    ctx.textBaseline = "middle";
    headings.forEach(function (h) {
      if (headingHidden(h)) { return; }
      ctx.font = "600 " + FONT + "px " + FACE;
      ctx.fillStyle = view.highlighted !== undefined ? "rgba(87,96,106,0.35)" : "#57606a";
      ctx.fillText(headingText(h), h.x, h.y);
    });
    ctx.restore();
  });

  /* Size: a sheet is drawn at a legible scale (the scroll area scrolls); a map is fitted. */
  function contentBox() {
    var box = null, ctx = container.querySelector("canvas").getContext("2d");
    function add(b) {
      if (!box) { box = { left: b.left, right: b.right, top: b.top, bottom: b.bottom }; return; }
      box.left = Math.min(box.left, b.left); box.right = Math.max(box.right, b.right);
      box.top = Math.min(box.top, b.top); box.bottom = Math.max(box.bottom, b.bottom);
    }
    nodes.get({ filter: function (n) { return !n.hidden; } }).forEach(function (n) { add(network.getBoundingBox(n.id)); });
    headings.forEach(function (h) { if (!headingHidden(h)) { add(headingBox(h, ctx)); } });
    return box || { left: 0, right: 1, top: 0, bottom: 1 };
  }
  function fitSheet() {
    var box = contentBox(), w = box.right - box.left, h = box.bottom - box.top;
    function scaleFor(width) { return Math.min(1, Math.max(MIN_SCALE, (width - 2 * MARGIN) / w)); }
    function heightFor(scale) { return Math.max(scroller.clientHeight, Math.ceil(h * scale + 2 * MARGIN)); }
    // The height first: a vertical scrollbar, if it comes, takes width from the drawing.
    container.style.height = heightFor(scaleFor(scroller.clientWidth)) + "px";
    var scale = scaleFor(scroller.clientWidth);
    var cw = Math.max(scroller.clientWidth, Math.ceil(w * scale + 2 * MARGIN)), ch = heightFor(scale);
    container.style.width = cw + "px";
    container.style.height = ch + "px";
    network.setSize(cw + "px", ch + "px");
    network.redraw();
    network.moveTo({ position: { x: (box.left + box.right) / 2, y: (box.top + box.bottom) / 2 },
                     scale: scale, animation: false });
    view.scale = scale;
  }
  function fitMap() {
    container.style.width = "100%";
    container.style.height = "100%";
    network.setSize("100%", "100%");
    network.redraw();
    var box = contentBox(), w = box.right - box.left, h = box.bottom - box.top;
    var scale = Math.min(1, (container.clientWidth - 2 * MARGIN) / w, (container.clientHeight - 2 * MARGIN) / h);
    network.moveTo({ position: { x: (box.left + box.right) / 2, y: (box.top + box.bottom) / 2 },
                     scale: scale, animation: false });
    chooseLabels();
  }
  function fit() {
    network.redraw();  // drawn now, so every label has been measured
    if (sheet) { fitSheet(); } else { fitMap(); }
  }
  view.fit = fit;

  /* A map (more concepts than can all be labelled): the concepts with most studies are labelled
   * first; a label is drawn only where it meets no other, at LABEL_PX on screen, so zooming in
   * reveals more. */
  var measure = document.createElement("canvas").getContext("2d");
  function textWidth(text, px) {
    measure.font = px + "px " + FACE;
    return Math.max.apply(null, String(text).split("\n").map(function (l) { return measure.measureText(l).width; }));
  }
  var byStudies = data.nodes.slice().sort(function (a, b) { return b.studies - a.studies || a.label.localeCompare(b.label); });
  function chooseLabels() {
    if (sheet) { return; }
    var scale = network.getScale(), px = Math.max(FONT, LABEL_PX / scale);
    var seen = [], updates = [], shown = 0, was = view.labels || {};
    view.labels = {};
    var pos = network.getPositions();
    var tl = network.DOMtoCanvas({ x: 0, y: 0 }), br = network.DOMtoCanvas({ x: container.clientWidth, y: container.clientHeight });
    byStudies.forEach(function (n) {
      var p = pos[n.id], visible = !nodes.get(n.id).hidden && p && p.x >= tl.x && p.x <= br.x && p.y >= tl.y && p.y <= br.y;
      var box = null;
      if (visible) {
        var text = effective(n.id).text;
        var w = textWidth(text, px) + 4, lines = String(text).split("\n").length;
        var top = p.y + (n.size || 10) + 2;
        box = { left: p.x - w / 2, right: p.x + w / 2, top: top, bottom: top + lines * px * 1.2 };
        visible = box.left >= tl.x && box.right <= br.x && box.bottom <= br.y && !seen.some(function (b) {
          return b.left < box.right && box.left < b.right && b.top < box.bottom && box.top < b.bottom;
        });
      }
      if (visible) { seen.push(box); shown += 1; view.labels[n.id] = px; }
      // Only what changes is sent to vis-network: each update measures its label again.
      if (visible && was[n.id] !== px) { updates.push({ id: n.id, label: effective(n.id).text, font: { size: px } }); }
      else if (!visible && was[n.id]) { updates.push({ id: n.id, label: "" }); }
    });
    nodes.update(updates);
    view.labelled = shown;
  }
  var labelTimer = null;
  function later() { clearTimeout(labelTimer); labelTimer = setTimeout(chooseLabels, 120); }
  network.on("zoom", later);
  network.on("dragEnd", later);

  function settle() {
    if (view.stable) { return; }
    if (options.physics && options.physics.enabled !== false) {
      network.setOptions({ physics: false });
      nodes.update(data.nodes.map(function (n) { return { id: n.id, fixed: false }; }));
    }
    fit();
    view.stable = true;
    view.stableAt = performance.now();  // ms since navigation start
    view.stableAfterMs = view.stableAt - view.started;
  }
  /* The layout comes computed: with physics off (our options), the view is ready once drawn;
   * a Network changed to use physics is ready once that has settled. */
  if (options.physics && options.physics.enabled !== false) { network.once("stabilized", settle); }
  // Not on a drawing event: a browser draws an iframe out of sight only when it is scrolled to,
  // and the view must be ready (and fitted) before that. settle() draws once itself.
  else { setTimeout(settle, 0); }
  /* Fitted again whenever the drawing's box changes size: a window resized, or an iframe laid out
   * (or shown) only after the page had loaded, which would otherwise keep a drawing fitted to
   * nothing until the reader scrolled or zoomed. */
  var resizeTimer = null, seenSize = "";
  function refit() {
    var size = scroller.clientWidth + "x" + scroller.clientHeight;
    if (size === seenSize && container.style.height) { return; }
    seenSize = size;
    clearTimeout(resizeTimer);
    resizeTimer = setTimeout(function () { if (view.stable) { fit(); seenSize = scroller.clientWidth + "x" + scroller.clientHeight; } }, 60);
  }
  window.addEventListener("resize", refit);
  if (window.ResizeObserver) { new ResizeObserver(refit).observe(scroller); }
  /* A short window gives the drawing the room: the full page's legend starts folded there. */
  if (window.innerHeight < 700 && document.body.classList.contains("cmo-full")) { byId("cmo-legend").open = false; }
  /* Printed: the legend open, whatever the reader left it. */
  window.addEventListener("beforeprint", function () { byId("cmo-legend").open = true; });

  /* Header, counts, search list. */
  byId("cmo-title").textContent = data.title;
  byId("cmo-subtitle").textContent = data.subtitle;
  document.title = data.title;
  var labels = byId("cmo-labels");
  data.nodes.slice().sort(function (a, b) { return a.label.localeCompare(b.label); })
    .forEach(function (n) { var o = document.createElement("option"); o.value = n.label; labels.appendChild(o); });

  /* Folding: a broader context (a heading, or a context with narrower ones) takes in the
   * contexts under it; their links join its own and its counts are the union of theirs. */
  var rep = {};   // folded context id -> the node shown in its place
  var extraNodes = [], extraEdges = [];
  function groupOf(id) {
    var h = headings.filter(function (g) { return g.id === id; })[0];
    if (h) { return { id: h.id, label: h.label, members: h.members, node: null, heading: h }; }
    var n = nodeData[id];
    return n && n.narrower && n.narrower.length ? { id: n.id, label: n.label, members: n.narrower, node: n } : null;
  }
  function applyFolds() {
    nodes.remove(extraNodes); edges.remove(extraEdges);
    extraNodes.forEach(function (id) { delete nodeData[id]; delete hiddenNow[id]; });
    extraEdges.forEach(function (id) { delete edgeData[id]; delete hiddenNow[id]; });
    extraNodes = []; extraEdges = []; rep = {};
    var relabel = {};
    data.nodes.forEach(function (n) {
      if (n.narrower && n.narrower.length) { delete nodeData["folded:" + n.id]; relabel[n.id] = n.text; }
    });
    Object.keys(view.folded).forEach(function (gid) {
      var g = groupOf(gid);
      var into = g.node ? g.node.id : "fold-" + g.id;
      g.members.forEach(function (m) { if (!rep[m]) { rep[m] = into; } });
      var inside = g.members.map(function (m) { return nodeData[m]; }).concat(g.node ? [g.node] : []);
      var c = union(inside.map(function (n) { return n.c; }));
      var keys = union(inside.map(function (n) { return n.study_keys; }));
      var text = (g.node ? g.node.text : g.label) + "\n(+" + counted(g.members.length, "narrower context") + ")";
      var node = { id: into, kind: "context", label: g.label, text: text, c: c, study_keys: keys,
                   studies: keys.length, cmocs: c.length,
                   fired: c.filter(function (i) { return cmocs[i].fired; }).length,
                   not_fired: c.filter(function (i) { return !cmocs[i].fired; }).length,
                   quotes: g.node ? g.node.quotes : [], more_quotes: 0, broader: g.node ? g.node.broader : [],
                   definition: g.node ? g.node.definition : null, review: data.nodes[0].review,
                   folded: g.members.length, shape: S.shape.context, color: S.color.context,
                   size: g.node ? g.node.size : 12,
                   x: g.node ? nodes.get(g.node.id).x : g.heading.x, y: g.node ? nodes.get(g.node.id).y : g.heading.y };
      if (g.node) { node.x = network.getPosition(g.node.id).x; node.y = network.getPosition(g.node.id).y; }
      rep[into] = into;
      if (g.node) { nodeData["folded:" + into] = node; relabel[into] = text; } else {
        nodeData[into] = node; extraNodes.push(into); nodes.add(visNode(node));
      }
    });
    /* Links of a folded context (or of the node it folds into) are merged into new ones. */
    if (sheet) { nodes.update(Object.keys(relabel).map(function (id) { return { id: id, label: relabel[id] }; })); }
    var merged = {};
    data.edges.forEach(function (e) {
      var f = rep[e.from] || e.from, t = rep[e.to] || e.to;
      if (!rep[e.from] && !rep[e.to]) { return; }
      var key = [f, t, e.relation, e.fired, e.direction].join("|");
      var m = merged[key];
      if (!m) {
        m = merged[key] = Object.assign({}, e, { id: "f" + extraEdges.length, from: f, to: t, parts: [] });
        extraEdges.push(m.id);
      }
      m.parts.push(e);
    });
    Object.keys(merged).forEach(function (k) {
      var m = merged[k];
      m.c = union(m.parts.map(function (e) { return e.c; }));
      m.study_keys = union(m.parts.map(function (e) { return e.study_keys; }));
      m.studies = m.study_keys.length; m.value = m.studies; m.cmocs = m.c.length;
      m.not_fired_only = m.parts.every(function (e) { return e.not_fired_only; });
      edgeData[m.id] = m;
      edges.add(visEdge(m));
    });
    view.merged = merged;
  }
  function effective(id) { return nodeData["folded:" + id] || nodeData[id]; }
  function fold(gid, on) {
    if (on) { view.folded[gid] = true; } else { delete view.folded[gid]; }
    clearSelection();
    applyFolds();
    applyFilters();
    fitLater();
  }
  function fitLater() { setTimeout(function () { if (view.stable) { fit(); } }, 0); }
  function groupByLabel(label) {
    var h = headings.filter(function (g) { return g.label === label; })[0];
    if (h) { return h.id; }
    var n = data.nodes.filter(function (x) { return x.label === label && x.narrower && x.narrower.length; })[0];
    return n ? n.id : null;
  }
  view.fold = function (label) { var g = groupByLabel(label); if (g) { fold(g, true); } return g; };
  view.unfold = function (label) { var g = groupByLabel(label); if (g) { fold(g, false); } return g; };
  var foldButton = byId("cmo-fold");
  var topGroups = headings.filter(function (h) { return h.depth === 0; }).map(function (h) { return h.id; })
    .concat(data.nodes.filter(function (n) { return n.kind === "context" && !n.depth && n.narrower && n.narrower.length; })
      .map(function (n) { return n.id; }));
  if (!topGroups.length) { foldButton.style.display = "none"; }
  foldButton.addEventListener("click", function () {
    var anyFolded = Object.keys(view.folded).length > 0;
    view.folded = {};
    if (!anyFolded) { topGroups.forEach(function (g) { view.folded[g] = true; }); }
    foldButton.textContent = anyFolded ? "Fold groups" : "Unfold groups";
    clearSelection(); applyFolds(); applyFilters(); fitLater();
  });

  /* Which concepts and links a selection keeps: the CMOcs behind the selected concept (or
   * link), followed from their contexts through their mechanism to their outcomes. */
  function follow(sel) {
    var keepN = {}, keepE = {}, S1 = {};
    var n = sel.node ? effective(sel.node) : null, e = sel.edge ? edgeData[sel.edge] : null;
    (n ? n.c : e.c).forEach(function (i) { S1[i] = true; });
    function on(x) { return x.c.some(function (i) { return S1[i]; }); }
    var shown = edges.get({ filter: function (x) { return !x.hidden; } });
    shown.forEach(function (vx) {
      var x = edgeData[vx.id];
      if (!x || x.relation === "leads_to" || !on(x)) { return; }
      var keep;
      if (e) { keep = x.id === e.id || (e.relation === "triggers" ? x.relation === "generates" && x.from === e.to : x.relation === "triggers" && x.to === e.from); }
      else if (n.kind === "context") { keep = x.relation === "generates" || x.from === n.id; }
      else if (n.kind === "outcome") { keep = x.relation === "triggers" || x.to === n.id; }
      else { keep = x.from === n.id || x.to === n.id; }
      if (keep) { keepE[x.id] = true; keepN[x.from] = true; keepN[x.to] = true; }
    });
    if (n) { keepN[n.id] = true; }
    return { nodes: keepN, edges: keepE };
  }
  var DIM = "rgba(180,180,180,0.25)";
  function paint(keep) {
    nodes.update(nodes.getIds().map(function (id) {
      var n = effective(id), on = !keep || keep.nodes[id];
      return { id: id, color: on ? nodeColor(n) : { background: DIM, border: DIM },
               font: { color: on ? "#1f2328" : "rgba(80,80,80,0.35)" } };
    }));
    edges.update(edges.getIds().map(function (id) {
      var x = edgeData[id], on = !keep || keep.edges[id];
      return { id: id, color: on ? edgeColor(x) : { color: DIM, highlight: DIM, hover: DIM } };
    }));
  }
  function highlight(sel) {
    var keep = follow(sel);
    paint(keep);
    view.kept = { nodes: Object.keys(keep.nodes), edges: Object.keys(keep.edges) };
    return keep;
  }
  view.follow = function (id) { var k = follow({ node: id }); return Object.keys(k.nodes); };

  /* Tooltip: built from text on hover, never from markup. */
  var tip = byId("cmo-tooltip");
  function namesOf(ids) { return ids.map(function (id) { return (nodeData[id] || {}).label; }).filter(Boolean); }
  function cmocContexts(c) { return union(c.map(function (i) { return cmocs[i].contexts.map(function (x) { return rep[x] || x; }); })); }
  function cmocOutcomes(c) { return union(c.map(function (i) { return cmocs[i].outcomes; })); }
  function nodeTip(n) {
    var box = document.createDocumentFragment();
    box.appendChild(el("strong", n.label + (n.folded ? " (+" + counted(n.folded, "narrower context") + ")" : "")));
    box.appendChild(el("p", n.kind + " \u00b7 " + counted(n.studies, "study") + " \u00b7 " +
                        counted(n.cmocs, "CMOc") + (n.not_fired ? " (" + n.not_fired + " not fired)" : "")));
    if (n.definition) { box.appendChild(el("p", cut(n.definition, 220))); }
    if (n.study_keys.length) { box.appendChild(el("p", "Studies: " + cut(n.study_keys.join("; "), 160))); }
    if (n.quotes.length) { box.appendChild(el("p", "\u201c" + cut(n.quotes[0].quote, 160) + "\u201d")); }
    return box;
  }
  function edgeTitle(e) {
    var what = e.relation === "triggers" ? (e.fired ? "fires" : "does not fire")
      : e.relation === "leads_to" ? "leads to (CMO chain)"
      : "produces (" + (e.direction || "unknown") + (e.fired === false ? ", mechanism did not fire" : "") + ")";
    return (effective(e.from) || {}).label + " \u2192 " + (effective(e.to) || {}).label + ": " + what;
  }
  function edgeWhence(e) {
    if (e.relation === "generates") { return "From contexts: " + namesOf(cmocContexts(e.c)).join("; "); }
    if (e.relation === "triggers") { return "Leading to: " + namesOf(cmocOutcomes(e.c)).join("; "); }
    return null;
  }
  function edgeTip(e) {
    var box = document.createDocumentFragment();
    box.appendChild(el("strong", edgeTitle(e)));
    box.appendChild(el("p", counted(e.studies, "study") + " \u00b7 " + counted(e.cmocs, "CMOc")));
    var whence = edgeWhence(e);
    if (whence) { box.appendChild(el("p", cut(whence, 300))); }
    if (e.study_keys.length) { box.appendChild(el("p", "Studies: " + cut(e.study_keys.join("; "), 160))); }
    return box;
  }
  function showTip(content, pointer) {
    tip.replaceChildren(content);
    tip.style.display = "block";
    var r = container.getBoundingClientRect();
    var x = r.left + pointer.DOM.x + 14, y = r.top + pointer.DOM.y + 14;
    tip.style.left = Math.max(0, Math.min(x, window.innerWidth - tip.offsetWidth - 4)) + "px";
    tip.style.top = Math.max(0, Math.min(y, window.innerHeight - tip.offsetHeight - 4)) + "px";
  }
  function hideTip() { tip.style.display = "none"; }
  network.on("hoverNode", function (p) {
    showTip(nodeTip(effective(p.node)), p.pointer);
    if (view.highlighted === undefined) { highlight({ node: p.node }); view.hovered = p.node; }
  });
  network.on("hoverEdge", function (p) {
    showTip(edgeTip(edgeData[p.edge]), p.pointer);
    if (view.highlighted === undefined) { highlight({ edge: p.edge }); view.hovered = p.edge; }
  });
  function unhover() {
    hideTip();
    if (view.hovered !== undefined && view.highlighted === undefined) { paint(null); view.kept = undefined; }
    view.hovered = undefined;
  }
  network.on("blurNode", unhover);
  network.on("blurEdge", unhover);
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
    if (n.broader && n.broader.length) { f.appendChild(el("p", "Broader: " + n.broader.join("; "), "cmo-hint")); }
    f.appendChild(el("p", counted(n.cmocs, "CMOc") + " from " + counted(n.studies, "study") + ": " +
                     n.fired + " fired, " + n.not_fired + " not fired. Review " + n.review + "."));
    var gid = n.folded ? (n.id.indexOf("fold-") === 0 ? n.id.slice(5) : n.id) : (n.narrower && n.narrower.length ? n.id : null);
    if (gid) {
      var b = el("button", n.folded ? "Unfold the " + counted(n.folded, "narrower context")
                                    : "Fold the " + counted(n.narrower.length, "narrower context") + " into this one");
      b.type = "button";
      b.className = "cmo-fold-one";
      b.addEventListener("click", function () { fold(gid, !n.folded); });
      f.appendChild(b);
    }
    var rowsOf = n.c.map(function (i) {
      var m = cmocs[i];
      return "CMOc " + m.id + ": " + namesOf(m.contexts).join(" + ") + " \u2192 " + namesOf([m.mechanism]).join("") +
        (m.fired ? "" : " (did not fire)") + " \u2192 " + namesOf(m.outcomes).join(", ") + " (" + m.direction + ")";
    });
    if (rowsOf.length) { f.appendChild(section("Configurations", list(rowsOf.slice(0, 12)))); }
    if (rowsOf.length > 12) { f.appendChild(el("p", "\u2026 and " + (rowsOf.length - 12) + " more", "cmo-hint")); }
    var studies = n.study_keys.map(function (k) { return data.study_titles[k] ? k + " \u2014 " + data.study_titles[k] : k; });
    if (studies.length) { f.appendChild(section("Supporting studies", list(studies))); }
    if (n.quotes.length) {
      var qs = document.createDocumentFragment();
      n.quotes.forEach(function (q) {
        var bq = el("blockquote", "\u201c" + q.quote + "\u201d");
        bq.appendChild(el("cite", [q.study, q.page ? "p. " + q.page : null, "CMOc " + q.cmoc]
          .filter(Boolean).join(", ")));
        qs.appendChild(bq);
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
    var whence = edgeWhence(e);
    if (whence) { f.appendChild(el("p", whence)); }
    if (e.study_keys.length) { f.appendChild(section("Supporting studies", list(e.study_keys))); }
    return f;
  }

  function clearSelection() {
    if (view.highlighted !== undefined || view.kept !== undefined) { paint(null); }
    view.highlighted = undefined;
    view.kept = undefined;
    network.unselectAll();
    panel.replaceChildren(panelHint);
    panel.classList.remove("cmo-open");
  }
  function selectNode(id) {
    hideTip();
    highlight({ node: id });
    view.highlighted = id;
    showPanel(nodePanel(effective(id)));
  }
  function selectEdge(id) {
    hideTip();
    highlight({ edge: id });
    view.highlighted = id;
    showPanel(edgePanel(edgeData[id]));
  }
  function headingAt(point) {
    var ctx = container.querySelector("canvas").getContext("2d");
    return headings.filter(function (h) {
      var b = headingBox(h, ctx);
      return !headingHidden(h) && point.x >= b.left && point.x <= b.right && point.y >= b.top && point.y <= b.bottom;
    })[0];
  }
  network.on("click", function (p) {
    var h = !p.nodes.length && headingAt(p.pointer.canvas);
    if (p.nodes.length) { selectNode(p.nodes[0]); }
    else if (h) { fold(h.id, true); }
    else if (p.edges.length) { selectEdge(p.edges[0]); }
    else { clearSelection(); }
  });
  view.selectNode = selectNode;
  view.selectEdge = selectEdge;
  view.clearSelection = clearSelection;

  /* Search: a label (or part of one) focuses and selects the concept. */
  var search = byId("cmo-search");
  function find(text) {
    var q = text.trim().toLowerCase(), hit = null;
    if (!q) { return null; }
    data.nodes.forEach(function (n) {
      var l = n.label.toLowerCase(), v = nodes.get(n.id);
      if (!v || v.hidden) { return; }
      if (l === q) { hit = n; } else if (!hit && l.indexOf(q) >= 0) { hit = n; }
    });
    return hit;
  }
  function go() {
    var n = find(search.value);
    search.setCustomValidity(n || !search.value ? "" : "No concept matches");
    if (!n) { return; }
    network.selectNodes([n.id]);
    if (sheet) {
      var at = network.canvasToDOM(network.getPosition(n.id));
      scroller.scrollTo({ left: at.x - scroller.clientWidth / 2, top: at.y - scroller.clientHeight / 2 });
    } else {
      network.focus(n.id, { scale: Math.max(network.getScale(), 1.0), animation: false });
      chooseLabels();
    }
    selectNode(n.id);
  }
  search.addEventListener("change", go);
  search.addEventListener("keydown", function (ev) { if (ev.key === "Enter") { go(); } });
  view.search = function (text) { search.value = text; go(); return find(text); };

  /* Filters: minimum studies, not-fired links, chain links, folds; all in the page, offline. */
  var minInput = byId("cmo-min-studies"), notFired = byId("cmo-show-not-fired"),
      chainBox = byId("cmo-show-chains"), counts = byId("cmo-counts");
  minInput.min = String(data.min_studies);
  minInput.value = String(data.min_studies);
  minInput.max = String(Math.max(data.min_studies, data.max_studies));
  if (!data.edges.some(function (e) { return e.relation === "leads_to"; })) { chainBox.parentNode.style.display = "none"; }
  var hiddenNow = {};  // what is hidden: only changes go to vis-network (each redraws)
  function applyFilters() {
    var min = Math.max(1, parseInt(minInput.value, 10) || 1), showNF = notFired.checked, showChains = chainBox.checked;
    var seen = {}, edgeUpdates = [], nodeUpdates = [], shownEdges = 0, shownNodes = 0;
    edges.getIds().forEach(function (id) {
      var e = edgeData[id];
      var replaced = id.charAt(0) === "e" && (rep[e.from] || rep[e.to]);
      var notFiredOnly = e.not_fired_only !== undefined ? e.not_fired_only
        : e.c.every(function (i) { return !cmocs[i].fired; });
      var show = !replaced && studiesOf(e) >= min && (showNF || !notFiredOnly) && (showChains || e.relation !== "leads_to");
      if (show) { seen[e.from] = seen[e.to] = true; shownEdges += 1; }
      if (Boolean(hiddenNow[id]) === show) { hiddenNow[id] = !show; edgeUpdates.push({ id: id, hidden: !show }); }
    });
    nodes.getIds().forEach(function (id) {
      if (seen[id]) { shownNodes += 1; }
      if (Boolean(hiddenNow[id]) !== !seen[id]) { hiddenNow[id] = !seen[id]; nodeUpdates.push({ id: id, hidden: !seen[id] }); }
    });
    if (edgeUpdates.length) { edges.update(edgeUpdates); }
    if (nodeUpdates.length) { nodes.update(nodeUpdates); }
    counts.textContent = counted(shownNodes, "concept") + ", " + counted(shownEdges, "link");
    view.shown = { nodes: shownNodes, edges: shownEdges };
    if (view.stable && !sheet) { later(); }
    return view.shown;
  }
  [minInput, notFired, chainBox].forEach(function (c) { c.addEventListener("change", applyFilters); });
  byId("cmo-reset").addEventListener("click", function () {
    minInput.value = String(data.min_studies); notFired.checked = true; chainBox.checked = true;
    search.value = ""; view.folded = {}; foldButton.textContent = "Fold groups";
    applyFolds(); applyFilters(); clearSelection(); fit();
  });
  view.applyFilters = function (opts) {
    if (opts && opts.minStudies !== undefined) { minInput.value = String(opts.minStudies); }
    if (opts && opts.showNotFired !== undefined) { notFired.checked = opts.showNotFired; }
    if (opts && opts.showChains !== undefined) { chainBox.checked = opts.showChains; }
    return applyFilters();
  };
  applyFilters();
})();
