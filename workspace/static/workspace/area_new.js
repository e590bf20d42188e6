// Drawing a growing area's boundary (workspace/area_new.html): tap the corners on the map, or walk round the plot
// with the phone (GPS: a point every few steps, one at each corner on request, the accuracy shown; "finish" closes
// the polygon). Settings and texts come from <script id="area-draw" type="application/json">; the basemap is
// TRUYXUAT_MAP_TILES (none when empty).
(function () {
  var cfg = JSON.parse(document.getElementById("area-draw").textContent), T = cfg.text;
  var STEP_M = 4, WORST_ACCURACY_M = 25;
  var pts = [], watch = null, last = null;
  var lang = document.documentElement.lang || "vi";
  var shown = new Intl.NumberFormat(lang, { maximumFractionDigits: 2 });
  var typed = new Intl.NumberFormat(lang, { maximumFractionDigits: 2, useGrouping: false });
  var map = L.map("draw-map").setView(cfg.centre, 16);
  if (cfg.tiles) {
    var credit = document.createElement("span"); credit.textContent = cfg.attribution || "";
    L.tileLayer(cfg.tiles, { maxZoom: 19, attribution: credit.innerHTML }).addTo(map);
  }
  var line = L.polygon([], { color: "#1b6b3a" }).addTo(map), marks = L.layerGroup().addTo(map);
  var here = L.circle(cfg.centre, { radius: 0, color: "#1a73e8", weight: 1 });
  var input = document.getElementById("a-boundary"), state = document.getElementById("draw-state");
  var declared = document.getElementById("a-ha");
  var walkButton = document.getElementById("walk"), panel = document.getElementById("gps");
  var gpsState = document.getElementById("gps-state");
  function ha(ring) { /* a small plot: planar area in metres around its first corner */
    var lat0 = ring[0][1] * Math.PI / 180, R = 6371008.8, s = 0;
    for (var i = 0; i < ring.length - 1; i++) {
      var x1 = ring[i][0] * Math.PI / 180 * R * Math.cos(lat0), y1 = ring[i][1] * Math.PI / 180 * R;
      var x2 = ring[i + 1][0] * Math.PI / 180 * R * Math.cos(lat0), y2 = ring[i + 1][1] * Math.PI / 180 * R;
      s += x1 * y2 - x2 * y1;
    }
    return Math.abs(s) / 2 / 10000;
  }
  function update() {
    line.setLatLngs(pts); marks.clearLayers();
    pts.forEach(function (p) { L.circleMarker(p, { radius: 6 }).addTo(marks); });
    if (pts.length >= 3) {
      var ring = pts.map(function (p) { return [+p[1].toFixed(6), +p[0].toFixed(6)]; }); ring.push(ring[0]);
      input.value = JSON.stringify({ type: "Polygon", coordinates: [ring] });
      var area = ha(ring);
      state.textContent = pts.length + " " + T.points + " · ≈ " + shown.format(area) + " ha";
      if (!declared.value || declared.dataset.auto) { declared.value = typed.format(area); declared.dataset.auto = "1"; }
    } else { input.value = ""; state.textContent = pts.length + " " + T.points; }
  }
  function say(text) { gpsState.textContent = text; }
  function accuracyText(p) { return T.accuracy.replace("%(m)s", shown.format(Math.round(p.coords.accuracy))); }
  function add(latlng) { pts.push(latlng); update(); }
  function onPosition(p) {
    last = p;
    var at = [p.coords.latitude, p.coords.longitude];
    here.setLatLng(at).setRadius(p.coords.accuracy); if (!map.hasLayer(here)) here.addTo(map);
    if (!pts.length) map.setView(at, Math.max(map.getZoom(), 18)); else map.panTo(at);  /* a plot is tens of metres */
    if (p.coords.accuracy > WORST_ACCURACY_M) { say(accuracyText(p) + " · " + T.weak); return; }
    var previous = pts[pts.length - 1];
    if (!previous || map.distance(previous, at) >= STEP_M) add(at);
    say(accuracyText(p) + " · " + pts.length + " " + T.points + " · " + T.walking);
  }
  function stop() {
    if (watch !== null) navigator.geolocation.clearWatch(watch);
    watch = null; walkButton.querySelector("span").textContent = T.walk;
  }
  walkButton.addEventListener("click", function () {
    if (watch !== null) { stop(); panel.hidden = true; return; }
    if (!navigator.geolocation) { state.textContent = T.no_gps; return; }
    if (pts.length && !window.confirm(T.restart)) return;
    pts = []; last = null; update();
    walkButton.querySelector("span").textContent = T.stop;
    panel.hidden = false; say(T.seeking);
    watch = navigator.geolocation.watchPosition(onPosition, function () { say(T.no_position); },
      { enableHighAccuracy: true, maximumAge: 0, timeout: 30000 });
  });
  document.getElementById("gps-mark").addEventListener("click", function () {
    if (!last) { say(T.seeking); return; }
    if (last.coords.accuracy > WORST_ACCURACY_M) { say(accuracyText(last) + " · " + T.weak); return; }
    add([last.coords.latitude, last.coords.longitude]);
    say(accuracyText(last) + " · " + pts.length + " " + T.points);
  });
  document.getElementById("gps-finish").addEventListener("click", function () {
    if (pts.length < 3) { say(T.few); return; }
    stop(); update();
    if (map.hasLayer(here)) map.removeLayer(here);
    map.fitBounds(line.getBounds().pad(0.2));
    say(T.closed + " " + state.textContent);
  });
  declared.addEventListener("input", function () { delete this.dataset.auto; });
  map.on("click", function (e) { if (watch === null) add([e.latlng.lat, e.latlng.lng]); });
  document.getElementById("undo").addEventListener("click", function () { pts.pop(); update(); });
  document.getElementById("clear").addEventListener("click", function () { pts = []; update(); });
  if (input.value) {
    try {
      JSON.parse(input.value).coordinates[0].slice(0, -1).forEach(function (c) { pts.push([c[1], c[0]]); });
      update(); map.fitBounds(line.getBounds());
    } catch (e) { /* a boundary typed by hand that is not a polygon: start drawing afresh */ }
  }
})();
