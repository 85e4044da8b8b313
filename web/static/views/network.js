/* PlanGraph network views: draws the JSON data block with vis-network.
   No HTML is built from data: labels go to the canvas, tooltips are strings
   (vis-network 9 shows them with innerText), lists use textContent. */
(function () {
  "use strict";
  var dataEl = document.getElementById("view-data");
  var configEl = document.getElementById("view-config");
  var container = document.getElementById("network");
  if (!dataEl || !configEl || !container || typeof vis === "undefined") { return; }
  performance.mark("pg-view-start");
  var data = JSON.parse(dataEl.textContent);
  var config = JSON.parse(configEl.textContent);

  // Labels are drawn at 14 px times the scale; below 10 px Japanese cannot be read.
  var READABLE = 10 / 14;
  var MAX_STRETCH = 3;

  // The server lays rows a fixed 80 px apart, so a network of many classes and few rows is a
  // wide band, and fitting it to the canvas left most of the canvas height empty. Spread the rows
  // (never squeeze them) until the drawing has the canvas's proportions; when even so its labels
  // would be too small to read (the page then starts at a readable scale, showing part of it),
  // only until its height fills the canvas at that scale, so that all of its rows stay in sight.
  // Edges that kept clear of nodes keep clearer: only distances between rows grow.
  function stretchFor(list) {
    if (!list.length) { return 1; }
    var xs = list.map(function (n) { return n.x; });
    var ys = list.map(function (n) { return n.y; });
    var width = Math.max.apply(null, xs) - Math.min.apply(null, xs) + 240;   // a label's width
    var height = Math.max.apply(null, ys) - Math.min.apply(null, ys) + 80;   // a row
    var cw = container.clientWidth || 1, ch = container.clientHeight || 1;
    var k = cw / width >= READABLE ? width * ch / cw / height : ch / READABLE / height;
    return Math.min(MAX_STRETCH, Math.max(1, k));
  }
  var stretch = stretchFor(data.nodes);
  data.nodes.forEach(function (n) { n.y = n.y * stretch; });
  var nodes = new vis.DataSet(data.nodes);
  var edges = new vis.DataSet(data.edges);
  var network = new vis.Network(container, { nodes: nodes, edges: edges }, data.options);
  container.pgNetwork = network;  // for tests and the browser console: positions, selection
  var expandBox = document.getElementById("click-expands");
  var list = document.getElementById("node-list");
  var count = document.getElementById("view-count");
  var zoomNote = document.getElementById("zoom-note");

  // The first view, and the view after an expansion: the whole network fitted to the canvas (as
  // the fit button does; called after a drawing, when the labels' sizes are known), unless that
  // makes labels unreadable; then a readable scale around ``focusId`` (the ego view's node, the
  // node expanded) or the node nearest the middle, moved as little as needed to show no empty
  // margin, and a note that the fit button shows everything.
  function showAll(focusId) {
    network.fit({ animation: false });
    if (network.getScale() >= READABLE) { return; }
    var box = bounds();
    var focus = focusId && nodes.get(focusId) ? network.getPositions([focusId])[focusId]
      : nearest({ x: (box.left + box.right) / 2, y: (box.top + box.bottom) / 2 });
    var halfW = (container.clientWidth || 1) / 2 / READABLE;
    var halfH = (container.clientHeight || 1) / 2 / READABLE;
    network.moveTo({ position: { x: within(focus.x, box.left + halfW, box.right - halfW),
                                 y: within(focus.y, box.top + halfH, box.bottom - halfH) },
                     scale: READABLE, animation: false });
    if (zoomNote) { zoomNote.hidden = false; }
  }

  function nearest(point) {  // the node drawn nearest to a point (the middle of a big view may be a gap)
    var pos = network.getPositions(), best = point, distance = Infinity;
    Object.keys(pos).forEach(function (id) {
      var d = Math.pow(pos[id].x - point.x, 2) + Math.pow(pos[id].y - point.y, 2);
      if (d < distance) { distance = d; best = pos[id]; }
    });
    return best;
  }

  function within(value, low, high) {
    return low > high ? (low + high) / 2 : Math.min(high, Math.max(low, value));
  }

  function bounds() {  // of the drawn nodes, labels included
    var box = { left: Infinity, right: -Infinity, top: Infinity, bottom: -Infinity };
    nodes.getIds().forEach(function (id) {
      var b = network.getBoundingBox(id);
      box.left = Math.min(box.left, b.left); box.right = Math.max(box.right, b.right);
      box.top = Math.min(box.top, b.top); box.bottom = Math.max(box.bottom, b.bottom);
    });
    return box;
  }

  performance.mark("pg-view-created");
  network.once("afterDrawing", function () {
    if (nodes.length) { showAll(config.focus); }
    network.once("afterDrawing", function () {
      performance.mark("pg-view-drawn");
      container.setAttribute("data-ready", "1");
    });
    network.redraw();
  });

  function updateCount() {
    if (count) {
      count.textContent = config.texts.count.replace("{n}", nodes.length).replace("{m}", edges.length);
    }
    container.setAttribute("data-nodes", String(nodes.length));
  }

  function expand(id) {
    var anchor = nodes.get(id) ? network.getPositions([id])[id] : null;  // where it is drawn (may be dragged)
    var url = config.expandUrl + "?" + new URLSearchParams({ node: id, depth: "1", lang: config.lang }).toString();
    return fetch(url, { headers: { "Accept": "application/json" }, credentials: "same-origin" })
      .then(function (r) { if (!r.ok) { throw new Error("HTTP " + r.status); } return r.json(); })
      .then(function (more) {
        // The neighbourhood is laid out around the expanded node: put it where that node is drawn,
        // its rows spread as this drawing's are.
        var centre = more.nodes.filter(function (n) { return n.id === id; })[0];
        var fresh = more.nodes.filter(function (n) { return !nodes.get(n.id); })
          .map(function (n) {
            if (anchor && centre) {
              n.x = anchor.x + (n.x - centre.x);
              n.y = anchor.y + (n.y - centre.y) * stretch;
            }
            return n;
          });
        nodes.add(fresh);
        edges.add(more.edges.filter(function (e) { return !edges.get(e.id); }));
        noteExpanded(id);
        fillList();
        fillLegend();
        updateCount();
        network.once("afterDrawing", function () { showAll(id); });
        network.redraw();
      })
      .catch(function (err) { container.setAttribute("data-error", String(err)); });
  }

  // The RDF, GraphML and JSON downloads name the expanded nodes too: they hold what the page shows.
  function noteExpanded(id) {
    ["download-rdf", "download-graphml", "download-json"].forEach(function (linkId) {
      var a = document.getElementById(linkId);
      if (!a) { return; }
      var u = new URL(a.getAttribute("href"), window.location.href);
      if (u.searchParams.getAll("expand").indexOf(id) < 0) { u.searchParams.append("expand", id); }
      a.setAttribute("href", u.pathname + u.search);
    });
  }

  function fillList() {
    if (!list) { return; }
    while (list.firstChild) { list.removeChild(list.firstChild); }
    nodes.get({ order: "label" }).forEach(function (n) {
      var li = document.createElement("li");
      var name = document.createElement("span");
      name.textContent = n.label;
      li.appendChild(name);
      var tools = document.createElement("span");
      if (n.url) {
        var a = document.createElement("a");
        a.href = n.url;
        a.textContent = config.texts.open;
        a.setAttribute("aria-label", config.texts.open + ": " + n.label);  // a screen reader hears which node
        tools.appendChild(a);
        tools.appendChild(document.createTextNode(" "));
      }
      var b = document.createElement("button");
      b.type = "button";
      b.className = "pg-expand";
      b.textContent = config.texts.expand;
      b.setAttribute("aria-label", config.texts.expand + ": " + n.label);
      b.setAttribute("data-node", n.id);
      b.addEventListener("click", function () { expand(n.id); });
      tools.appendChild(b);
      li.appendChild(tools);
      list.appendChild(li);
    });
  }

  // The legend lists the classes and relations shown; an expansion may bring new ones, whose
  // entries come from the whole legend in the page's configuration (in legend order).
  function fillLegend() {
    if (!config.legend) { return; }
    var kinds = {}, relations = {};
    nodes.forEach(function (n) { kinds[n.kind] = true; });
    edges.forEach(function (e) { relations[e.relation] = true; });
    legendList("legend-nodes", config.legend.nodes.filter(function (k) { return kinds[k.kind]; }),
      function (k) { return "pg-swatch pg-kind-" + k.kind; });
    legendList("legend-edges", config.legend.edges.filter(function (r) { return relations[r.relation]; }),
      function (r) { return "pg-line pg-rel-" + r.relation + (r.dashes ? " pg-dashed" : ""); });
  }

  function legendList(id, entries, swatchClass) {
    var ul = document.getElementById(id);
    var head = document.getElementById(id + "-head");
    if (!ul) { return; }
    if (head) { head.hidden = !entries.length; }
    while (ul.firstChild) { ul.removeChild(ul.firstChild); }
    entries.forEach(function (entry) {
      var li = document.createElement("li");
      var swatch = document.createElement("span");
      swatch.className = swatchClass(entry);
      li.appendChild(swatch);
      li.appendChild(document.createTextNode(entry.label));
      ul.appendChild(li);
    });
  }

  network.on("click", function (params) {
    if (!params.nodes.length) { return; }
    var n = nodes.get(params.nodes[0]);
    if (expandBox && expandBox.checked) { expand(n.id); return; }
    if (n.url) { window.location.assign(n.url); }
  });

  // Zoom buttons: labels are small when the whole network is fitted, and the keyboard
  // bindings of vis-network are off (they swallowed keys typed elsewhere on the page).
  function zoomBy(factor) {
    network.moveTo({ scale: network.getScale() * factor, animation: false });
  }
  var zoomIn = document.getElementById("zoom-in");
  var zoomOut = document.getElementById("zoom-out");
  var zoomFit = document.getElementById("zoom-fit");
  if (zoomIn) { zoomIn.addEventListener("click", function () { zoomBy(1.5); }); }
  if (zoomOut) { zoomOut.addEventListener("click", function () { zoomBy(1 / 1.5); }); }
  if (zoomFit) {
    zoomFit.addEventListener("click", function () {
      network.fit({ animation: false });
      if (zoomNote) { zoomNote.hidden = true; }
    });
  }
  var zoomBox = document.getElementById("zoom");
  if (zoomBox) { zoomBox.hidden = false; }  // shown only when the drawing (and so the buttons) work

  var png = document.getElementById("download-png");
  if (png) {
    png.addEventListener("click", function () {
      var canvas = container.querySelector("canvas");
      if (!canvas) { return; }
      // The network's canvas is transparent: pasted on a dark slide its dark labels vanish.
      var out = document.createElement("canvas");
      out.width = canvas.width;
      out.height = canvas.height;
      var ctx = out.getContext("2d");
      ctx.fillStyle = "#ffffff";
      ctx.fillRect(0, 0, out.width, out.height);
      ctx.drawImage(canvas, 0, 0);
      var a = document.createElement("a");
      a.href = out.toDataURL("image/png");
      a.download = "plangraph-view.png";
      document.body.appendChild(a);
      a.click();
      document.body.removeChild(a);
    });
  }

  fillList();
  updateCount();
})();
