// Drawing a growing area's boundary (workspace/area_new.html): tap the corners on the map, or walk round the plot
// with the phone (GPS). Settings and texts come from <script id="area-draw" type="application/json">.
(function () {
  var cfg = JSON.parse(document.getElementById("area-draw").textContent), T = cfg.text;
  var pts = [], watch = null;
  var map = L.map("draw-map").setView(cfg.centre, 16);
  if (cfg.tiles) L.tileLayer(cfg.tiles, { maxZoom: 19 }).addTo(map);
  var line = L.polygon([], { color: "#1b6b3a" }).addTo(map), marks = L.layerGroup().addTo(map);
  var input = document.getElementById("a-boundary"), state = document.getElementById("draw-state");
  var declared = document.getElementById("a-ha");
  function ha(ring) { /* spherical excess on a small plot: planar area in metres */
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
      var area = ha(ring); state.textContent = pts.length + " " + T.points + " · ≈ " + area.toFixed(2) + " ha";
      if (!declared.value || declared.dataset.auto) { declared.value = area.toFixed(2); declared.dataset.auto = "1"; }
    } else { input.value = ""; state.textContent = pts.length + " " + T.points; }
  }
  declared.addEventListener("input", function () { delete this.dataset.auto; });
  map.on("click", function (e) { pts.push([e.latlng.lat, e.latlng.lng]); update(); });
  document.getElementById("undo").addEventListener("click", function () { pts.pop(); update(); });
  document.getElementById("clear").addEventListener("click", function () { pts = []; update(); });
  document.getElementById("walk").addEventListener("click", function () {
    var label = this.querySelector("span");
    if (watch !== null) { navigator.geolocation.clearWatch(watch); watch = null; label.textContent = T.walk; return; }
    if (!navigator.geolocation) return;
    label.textContent = T.stop;
    watch = navigator.geolocation.watchPosition(function (p) {
      var last = pts[pts.length - 1], here = [p.coords.latitude, p.coords.longitude];
      if (!last || map.distance(last, here) > 3) { pts.push(here); map.setView(here); update(); }
    }, function () { state.textContent = T.no_position; }, { enableHighAccuracy: true });
  });
  if (input.value) {
    try {
      JSON.parse(input.value).coordinates[0].slice(0, -1).forEach(function (c) { pts.push([c[1], c[0]]); });
      update(); map.fitBounds(line.getBounds());
    } catch (e) { /* a boundary typed by hand that is not a polygon: start drawing afresh */ }
  }
})();
