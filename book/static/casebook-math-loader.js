// Formulas: MathJax (about 260 KB) loads when the first formula comes near the viewport, so a
// page's text never waits for it, and before printing. `casebookMath.load()` loads it now (the
// PDF calls it). The build fills in __CASEBOOK_MATHJAX__ and inlines the script.
(function () {
  var started = false;
  function load() {
    if (started) { return; }
    started = true;
    var script = document.createElement("script");
    script.src = (document.documentElement.dataset.content_root || "") + "__CASEBOOK_MATHJAX__";
    document.head.appendChild(script);
  }
  window.casebookMath = { load: load };
  window.addEventListener("beforeprint", load);
  document.addEventListener("DOMContentLoaded", function () {
    var formulas = document.querySelectorAll(".math");
    if (!formulas.length) { return; }
    if (!("IntersectionObserver" in window)) { load(); return; }
    var watch = new IntersectionObserver(function (entries) {
      if (entries.some(function (entry) { return entry.isIntersecting; })) { watch.disconnect(); load(); }
    }, { rootMargin: "50% 0px" });
    formulas.forEach(function (formula) { watch.observe(formula); });
  });
})();
