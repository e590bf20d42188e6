/* The error summary (core/form_errors.html): open the sections that hold an error, mark the fields in red,
   name each field in the summary, and take a tap on a line to its field. Without this script the summary
   still lists every error and its links still jump to the field's error line. */
(function () {
  "use strict";
  var CONTROL = "input:not([type=hidden]):not([type=checkbox]):not([type=radio]),select,textarea,input[type=checkbox],input[type=radio]";

  function controlIn(el) {
    if (!el || el.nodeType !== 1) return null;
    if (el.matches(CONTROL)) return el;
    if (el.matches(".err,.errorlist,.form-errors,script")) return null;
    var all = el.querySelectorAll(CONTROL);
    return all.length ? all[all.length - 1] : null;
  }

  /* The field an error line is about: the nearest control before it (itself a control for Django forms). */
  function fieldFor(target) {
    if (!target) return null;
    if (target.matches(CONTROL)) return target;
    for (var el = target.previousElementSibling; el; el = el.previousElementSibling) {
      if (el.matches("fieldset")) return el;
      var found = controlIn(el);
      if (found) return found;
    }
    return target.parentElement ? controlIn(target.parentElement) : null;
  }

  function labelOf(field) {
    if (field.matches("fieldset")) {
      var legend = field.querySelector("legend");
      return legend ? legend.textContent.trim() : "";
    }
    if (field.id) {
      var label = document.querySelector('label[for="' + field.id + '"]');
      if (label) return label.textContent.trim();
    }
    var wrapping = field.closest("label");
    if (wrapping) return wrapping.textContent.trim();
    return (field.getAttribute("aria-label") || field.getAttribute("placeholder") || "").trim();
  }

  function reveal(el) {
    for (var d = el.closest("details"); d; d = d.parentElement && d.parentElement.closest("details")) d.open = true;
  }

  function focusField(field) {
    reveal(field);
    // in a group, the box confirming an ambiguous number (the one thing to do), else its first field
    var control = field.matches("fieldset")
      ? field.querySelector(".confirm-number input") || field.querySelector(CONTROL)
      : field;
    (control || field).scrollIntoView({ block: "center" });
    if (control) control.focus({ preventScroll: true });
  }

  function init() {
    document.querySelectorAll(".err, .errorlist").forEach(reveal);
    document.querySelectorAll(".form-errors").forEach(function (box) {
      box.querySelectorAll("a[href^='#']").forEach(function (link) {
        var target = document.getElementById(decodeURIComponent(link.getAttribute("href").slice(1)));
        var field = fieldFor(target);
        if (!target) {
          link.replaceWith(document.createTextNode(link.textContent));
          return;
        }
        if (field) {
          field.setAttribute("aria-invalid", "true");
          if (!link.getAttribute("data-label")) {
            var name = labelOf(field).replace(/\s+/g, " ");
            if (name) {
              var span = document.createElement("span");
              span.className = "field-label";
              span.textContent = name;
              link.insertBefore(document.createTextNode(": "), link.firstChild);
              link.insertBefore(span, link.firstChild);
              link.setAttribute("data-label", name);
            }
          }
        }
        link.addEventListener("click", function (event) {
          event.preventDefault();
          reveal(target);
          focusField(field || target);
        });
      });
      if (box === document.querySelector(".form-errors")) {
        reveal(box);
        box.scrollIntoView({ block: "start" });
        box.focus({ preventScroll: true });
      }
    });
  }

  if (document.readyState === "loading") document.addEventListener("DOMContentLoaded", init);
  else init();
})();
