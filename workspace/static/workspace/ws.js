// Every workspace page: horizontal lists (.chips, .hscroll) show that they scroll. The edge beyond which more is
// hidden fades out (.more-end / .more-start, see ws.css), updated on scroll, resize and when a list's items change
// (the diary builds its area chips after loading).
(function () {
  function mark(el) {
    var max = el.scrollWidth - el.clientWidth;
    el.classList.toggle("more-end", max > 1 && el.scrollLeft < max - 1);
    el.classList.toggle("more-start", max > 1 && el.scrollLeft > 1);
  }
  function watch(el) {
    if (el.dataset.scrollHint) return;
    el.dataset.scrollHint = "1";
    el.addEventListener("scroll", function () { mark(el); }, { passive: true });
    if (window.MutationObserver) {
      new MutationObserver(function () { mark(el); }).observe(el, { childList: true, subtree: true, attributes: true, attributeFilter: ["hidden"] });
    }
    mark(el);
  }
  function all() {
    document.querySelectorAll(".ws .chips, .ws .hscroll").forEach(watch);
    document.querySelectorAll("[data-scroll-hint]").forEach(mark);
  }
  window.addEventListener("resize", all);
  window.addEventListener("load", all);
  if (document.readyState === "loading") document.addEventListener("DOMContentLoaded", all); else all();
})();
