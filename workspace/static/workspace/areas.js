// Map of the organisation's growing areas (workspace/areas.html); the shapes come from <script id="area-shapes">.
(function () {
  var el = document.getElementById("areas-map");
  if (!el || !window.L) return;
  var map = L.map(el), group = L.featureGroup().addTo(map);
  JSON.parse(document.getElementById("area-shapes").textContent).forEach(function (s) {
    L.geoJSON(s.boundary, { style: { color: "#1b6b3a", weight: 2 } }).bindTooltip(s.code, { permanent: true }).addTo(group);
  });
  map.fitBounds(group.getBounds().pad(0.3));
})();
