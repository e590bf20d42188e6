// Map of the organisation's growing areas (workspace/areas.html): each plot labelled with its name. Shapes come from
// <script id="area-shapes">, the basemap (TRUYXUAT_MAP_TILES, none when empty) from <script id="area-map">.
(function () {
  var el = document.getElementById("areas-map");
  if (!el || !window.L) return;
  var cfg = JSON.parse(document.getElementById("area-map").textContent);
  var map = L.map(el), group = L.featureGroup().addTo(map);
  if (cfg.tiles) {
    var credit = document.createElement("span"); credit.textContent = cfg.attribution || "";
    L.tileLayer(cfg.tiles, { maxZoom: 19, attribution: credit.innerHTML }).addTo(map);
  }
  JSON.parse(document.getElementById("area-shapes").textContent).forEach(function (s) {
    L.geoJSON(s.boundary, { style: { color: "#1b6b3a", weight: 2 } }).bindTooltip(s.name || s.code, { permanent: true }).addTo(group);
  });
  map.fitBounds(group.getBounds().pad(0.3));
})();
