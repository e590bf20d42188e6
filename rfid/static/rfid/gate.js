// The gate's live view: its state fragment fetched every two seconds while the page is shown.
(function () {
  "use strict";
  var box = document.getElementById("gate");
  if (!box) return;
  var url = box.getAttribute("data-state");
  function tick() {
    if (document.hidden) return;
    fetch(url, { credentials: "same-origin", cache: "no-store" })
      .then(function (r) { return r.ok ? r.text() : null; })
      .then(function (html) { if (html !== null) box.innerHTML = html; })
      .catch(function () {});
  }
  setInterval(tick, 2000);
})();
