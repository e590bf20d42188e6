// The live view of a place: readings arrive over Server-Sent Events (the stream ends every ~25 s and the
// browser reconnects with Last-Event-ID, so nothing is missed).
(function () {
  "use strict";
  var table = document.getElementById("live");
  if (!table || !window.EventSource) return;
  var latest = {};
  var source = new EventSource(table.getAttribute("data-stream"));
  source.onmessage = function (message) {
    var r = JSON.parse(message.data);
    var row = table.querySelector('tr[data-device="' + r.device + '"]');
    if (!row) return;
    latest[r.device] = latest[r.device] || {};
    latest[r.device][r.label] = r.value.toLocaleString("vi-VN") + " " + r.unit;
    row.querySelector(".value").textContent = Object.keys(latest[r.device]).map(function (k) {
      return k + ": " + latest[r.device][k];
    }).join(" · ");
    row.querySelector(".time").textContent = r.time;
    row.classList.add("fresh");
  };
})();
