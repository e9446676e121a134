// TrustRun web view: the live stream, the chart and the policy editor's row buttons.
// Served as a file (the CSP allows only same-origin scripts); builds DOM with textContent only.
(function () {
  "use strict";

  var MAX_ROWS = 500;
  var BUCKET_MS = 10000;
  var WINDOW_MS = 15 * 60 * 1000;

  function el(tag, cls, text) {
    var e = document.createElement(tag);
    if (cls) e.className = cls;
    if (text !== undefined && text !== null) e.textContent = String(text);
    return e;
  }

  function clock(ts) {
    return new Date(ts).toISOString().slice(11, 23);
  }

  function procName(ev) {
    var exe = ev.exe || (ev.argv && ev.argv[0]) || "";
    return (exe.split("/").pop() || "?") + " (" + ev.pid + ")";
  }

  // ---- live stream -------------------------------------------------------------------------
  var table = document.getElementById("live-rows");
  var state = { paused: false, held: [], seen: 0, shown: 0, chart: null, ids: new Set(), lastId: 0 };

  function matches(tr) {
    var v = document.getElementById("f-verdict").value;
    var h = document.getElementById("f-host").value.trim().toLowerCase();
    var p = document.getElementById("f-proc").value.trim().toLowerCase();
    var verdict = tr.getAttribute("data-verdict");
    if (v === "violation" ? verdict === "allow" : v && verdict !== v) return false;
    if (h && (tr.getAttribute("data-host") || "").toLowerCase().indexOf(h) < 0) return false;
    if (p && (tr.getAttribute("data-proc") || "").toLowerCase().indexOf(p) < 0) return false;
    return true;
  }

  function applyFilters() {
    var rows = table.querySelectorAll("tr");
    for (var i = 0; i < rows.length; i++) rows[i].classList.toggle("hidden", !matches(rows[i]));
  }

  function rowFor(id, ev) {
    var tr = el("tr", "new");
    tr.setAttribute("data-id", String(id));
    tr.setAttribute("data-verdict", ev.verdict);
    tr.setAttribute("data-host", (ev.host || "") + " " + ev.dst.ip);
    tr.setAttribute("data-proc", procName(ev));
    tr.appendChild(el("td", "mono", clock(ev.ts)));
    var s = el("td", "mono");
    var a = el("a", null, ev.session.slice(0, 8));
    a.setAttribute("href", "/sessions/" + encodeURIComponent(ev.session));
    s.appendChild(a);
    tr.appendChild(s);
    var v = el("td");
    v.appendChild(el("span", "verdict v-" + ev.verdict, ev.verdict));
    tr.appendChild(v);
    tr.appendChild(el("td", "mono", procName(ev)));
    var name = (ev.host || ev.dst.ip) + ":" + ev.dst.port;
    var d = el("td", "mono", ev.proto + " " + name);
    if (ev.host) d.appendChild(el("span", "muted", " " + ev.dst.ip));
    tr.appendChild(d);
    tr.appendChild(el("td", null, ev.package || ""));
    tr.appendChild(el("td", "mono", ev.rule || "default"));
    var r = el("td", null, ev.reason || "");
    if (ev.http && ev.http.method) r.appendChild(el("span", "muted", " " + ev.http.method + " " + (ev.http.path || "")));
    var who = tenantText(ev.http && ev.http.tenant);
    if (who) r.appendChild(el("span", "muted", " · " + who));
    tr.appendChild(r);
    return tr;
  }

  // Same wording as src/core/tenant.ts (server-rendered rows).
  function tenantText(t) {
    if (!t) return "";
    var parts = [];
    if (t.awsAccount) parts.push("AWS account " + t.awsAccount);
    if (t.awsService || t.awsRegion) parts.push("AWS " + [t.awsService, t.awsRegion].filter(Boolean).join(" in "));
    if (t.awsAccessKey) parts.push("key " + t.awsAccessKey);
    if (t.azureResource) parts.push("Azure resource " + t.azureResource);
    if (t.azureTenant) parts.push("Entra tenant " + t.azureTenant);
    return parts.join(" · ");
  }

  function addEvents(list) {
    var frag = document.createDocumentFragment();
    var added = 0;
    // Newest on top: build in reverse so the last event ends up first; only what can stay shown.
    var stop = Math.max(0, list.length - MAX_ROWS);
    for (var i = list.length - 1; i >= stop; i--) {
      var item = list[i];
      if (!item.event || item.event.type !== "connection") continue;
      var tr = rowFor(item.id, item.event);
      if (!matches(tr)) tr.classList.add("hidden");
      frag.appendChild(tr);
      added++;
    }
    if (!added) return;
    table.insertBefore(frag, table.firstChild);
    state.shown += added;
    while (table.rows.length > MAX_ROWS) table.deleteRow(table.rows.length - 1);
    document.body.setAttribute("data-live-rows", String(state.shown));
  }

  function counts() {
    var c = document.getElementById("live-counts");
    if (c) c.textContent = state.seen + " received" + (state.paused ? ", " + state.held.length + " held while paused" : "");
  }

  function onEvents(list) {
    var conns = [];
    for (var i = 0; i < list.length; i++) {
      var item = list[i];
      if (!item.event || item.event.type !== "connection" || state.ids.has(item.id)) continue;
      state.ids.add(item.id);
      if (item.id > state.lastId) state.lastId = item.id;
      conns.push(item);
    }
    if (state.ids.size > 20000) state.ids = new Set(Array.from(state.ids).slice(-5000));
    state.seen += conns.length;
    chartAdd(conns);
    if (state.paused) {
      Array.prototype.push.apply(state.held, conns);
      if (state.held.length > MAX_ROWS) state.held.splice(0, state.held.length - MAX_ROWS);
    } else {
      addEvents(conns);
    }
    counts();
  }

  // Rows written between the page render (or a reconnect) and the socket opening.
  function catchUp() {
    fetch("/api/events?type=connection&limit=500&after=" + state.lastId, { credentials: "same-origin" })
      .then(function (r) { return r.ok ? r.json() : null; })
      .then(function (data) { if (data && data.events) onEvents(data.events); })
      .catch(function () {});
  }

  function setStatus(text, cls) {
    var s = document.getElementById("live-status");
    if (!s) return;
    s.textContent = text;
    s.className = "status " + (cls || "");
    document.body.setAttribute("data-live", cls || "");
  }

  function connect(delay) {
    var proto = location.protocol === "https:" ? "wss:" : "ws:";
    var ws = new WebSocket(proto + "//" + location.host + "/ws");
    ws.onopen = function () {
      delay = 500;
      setStatus("live", "live");
    };
    ws.onmessage = function (m) {
      var msg;
      try {
        msg = JSON.parse(m.data);
      } catch (e) {
        return;
      }
      if (msg.type === "events") onEvents(msg.events || []);
      else if (msg.type === "hello") catchUp();
      else if (msg.type === "sessions" && window.htmx) window.htmx.trigger(document.body, "sessions-changed");
      else if (msg.type === "gap") setStatus("live (skipped " + msg.skipped + " events to keep up)", "live");
    };
    ws.onclose = function () {
      setStatus("disconnected, retrying…", "down");
      setTimeout(function () { connect(Math.min(delay * 2, 10000)); }, delay);
    };
  }

  // ---- chart -------------------------------------------------------------------------------
  var SVG = "http://www.w3.org/2000/svg";

  function chartAdd(conns) {
    if (!state.chart) return;
    for (var i = 0; i < conns.length; i++) {
      var ev = conns[i].event;
      var b = Math.floor(ev.ts / BUCKET_MS) * BUCKET_MS;
      var p = state.chart.bins[b] || (state.chart.bins[b] = { c: 0, v: 0 });
      p.c++;
      if (ev.verdict !== "allow") p.v++;
    }
    scheduleDraw();
  }

  var drawPending = false;
  function scheduleDraw() {
    if (drawPending) return;
    drawPending = true;
    setTimeout(function () {
      drawPending = false;
      draw();
    }, 250);
  }

  function draw() {
    var svg = document.getElementById("chart");
    if (!svg || !state.chart) return;
    var now = Date.now();
    var end = Math.floor(now / BUCKET_MS) * BUCKET_MS;
    var start = end - WINDOW_MS + BUCKET_MS;
    var n = WINDOW_MS / BUCKET_MS;
    var max = 1;
    var cs = [], vs = [];
    for (var i = 0; i < n; i++) {
      var p = state.chart.bins[start + i * BUCKET_MS] || { c: 0, v: 0 };
      cs.push(p.c);
      vs.push(p.v);
      if (p.c > max) max = p.c;
    }
    var W = 900, H = 160, pad = 18;
    function pts(arr) {
      var out = [];
      for (var i = 0; i < arr.length; i++) out.push(((i / (n - 1)) * W).toFixed(1) + "," + (H - pad - (arr[i] / max) * (H - 2 * pad)).toFixed(1));
      return out.join(" ");
    }
    while (svg.firstChild) svg.removeChild(svg.firstChild);
    var axis = document.createElementNS(SVG, "line");
    axis.setAttribute("x1", "0"); axis.setAttribute("x2", String(W));
    axis.setAttribute("y1", String(H - pad)); axis.setAttribute("y2", String(H - pad));
    axis.setAttribute("class", "axis");
    svg.appendChild(axis);
    [["conn", cs], ["viol", vs]].forEach(function (s) {
      var pl = document.createElementNS(SVG, "polyline");
      pl.setAttribute("points", pts(s[1]));
      pl.setAttribute("class", "line " + s[0]);
      pl.setAttribute("fill", "none");
      svg.appendChild(pl);
    });
    var label = document.createElementNS(SVG, "text");
    label.setAttribute("x", "4"); label.setAttribute("y", "12");
    label.setAttribute("class", "chart-label");
    label.textContent = "max " + max + " / 10 s";
    svg.appendChild(label);
  }

  function initChart() {
    if (!document.getElementById("chart")) return;
    state.chart = { bins: {} };
    fetch("/api/series?minutes=15&bucket=" + BUCKET_MS / 1000, { credentials: "same-origin" })
      .then(function (r) { return r.ok ? r.json() : null; })
      .then(function (data) {
        if (data && data.points) data.points.forEach(function (p) {
          var b = state.chart.bins[p.t] || (state.chart.bins[p.t] = { c: 0, v: 0 });
          b.c += p.connections;
          b.v += p.violations;
        });
        draw();
      })
      .catch(function () { draw(); });
    setInterval(draw, BUCKET_MS);
  }

  if (table) {
    state.lastId = Number(document.getElementById("live").getAttribute("data-last-id")) || 0;
    var initial = table.querySelectorAll("tr[data-id]");
    for (var k = 0; k < initial.length; k++) state.ids.add(Number(initial[k].getAttribute("data-id")));
    document.getElementById("pause").addEventListener("click", function (e) {
      state.paused = !state.paused;
      e.target.textContent = state.paused ? "Resume" : "Pause";
      if (!state.paused && state.held.length) {
        addEvents(state.held);
        state.held = [];
      }
      counts();
    });
    ["f-verdict", "f-host", "f-proc"].forEach(function (id) {
      document.getElementById(id).addEventListener("input", applyFilters);
    });
    document.getElementById("live-filters").addEventListener("submit", function (e) { e.preventDefault(); });
    initChart();
    connect(500);
  }

  // ---- policy editor -----------------------------------------------------------------------
  document.addEventListener("click", function (e) {
    var t = e.target;
    if (!(t instanceof Element)) return;
    if (t.closest("[data-add-row]")) {
      var tpl = document.getElementById("rule-template");
      var body = document.getElementById("rule-rows");
      if (tpl && body) body.appendChild(tpl.content.cloneNode(true));
      return;
    }
    var rm = t.closest("[data-remove-row]");
    if (rm) {
      var tr = rm.closest("tr");
      if (tr) tr.remove();
      return;
    }
    var tab = t.closest("[data-tab]");
    if (tab) {
      e.preventDefault();
      var name = tab.getAttribute("data-tab");
      document.querySelectorAll(".tab-panel").forEach(function (p) { p.classList.toggle("hidden", p.id !== name); });
      document.querySelectorAll("[data-tab]").forEach(function (a) { a.classList.toggle("active", a === tab); });
    }
  });
})();
