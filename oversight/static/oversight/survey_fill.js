// Field survey form (oversight/surveys/fill.html): the officer's current position, on request.
(function () {
  var button = document.getElementById("gps-button");
  if (!button) return;
  button.addEventListener("click", function () {
    var out = document.getElementById("gps");
    if (!navigator.geolocation) { out.textContent = button.dataset.unsupported; return; }
    navigator.geolocation.getCurrentPosition(function (p) {
      document.getElementById("lat").value = p.coords.latitude.toFixed(6);
      document.getElementById("lon").value = p.coords.longitude.toFixed(6);
      out.textContent = p.coords.latitude.toFixed(5) + ", " + p.coords.longitude.toFixed(5);
    }, function () { out.textContent = button.dataset.failed; });
  });
})();
