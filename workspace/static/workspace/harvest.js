// Harvest form (workspace/harvest.html): typing a quantity ticks its area (one tap); on submit only the ticked
// areas are sent, each with its quantity.
(function () {
  var form = document.getElementById("harvest-form");
  if (!form) return;
  form.querySelectorAll("input[name^=qty_]").forEach(function (input) {
    input.addEventListener("input", function () {
      var box = input.parentNode.querySelector("input[name=area]");
      if (box && input.value) box.checked = true;
    });
  });
  form.addEventListener("submit", function () {
    form.querySelectorAll(".row").forEach(function (row) {
      var box = row.querySelector("input[name=area]"), qty = row.querySelector("input[name^=qty_]");
      if (box && qty && !box.checked) qty.disabled = true;
      if (box && qty && box.checked && !qty.value) box.disabled = false;
    });
  });
})();
