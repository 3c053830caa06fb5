/* The chapter menu (☰) and page-contents buttons that readers see, made to work.
 *
 * pydata-sphinx-theme 0.17 renders its own .primary-toggle and .secondary-toggle buttons in its
 * top navbar, which sphinx-book-theme hides; sphinx-book-theme renders the buttons readers see in
 * the article header. Both themes' scripts bind the first match (document.querySelector), i.e.
 * the hidden pair, so the visible buttons do nothing: below 960 px no menu opens, and on wider
 * screens ☰ does not hide the sidebar. Upstream: pydata/pydata-sphinx-theme#2451 and
 * executablebooks/sphinx-book-theme#988 (fix proposed in sphinx-book-theme PR #1000).
 *
 * Here a visible button's click is handled as the themes meant it: from 960 px (where the
 * sidebar is part of the page) ☰ hides or shows the sidebar; below, the click is passed to the
 * bound button, whose handler opens the theme's menu dialog. Where upstream stops rendering the
 * duplicates, every button is its own bound button and nothing here runs.
 * tests/test_pages.py::test_upstream_sidebar_toggle_bug_is_still_there fails once upstream
 * is fixed: then delete this file and its add_js_file line in book/build/sphinxext.py.
 */
(function () {
  "use strict";
  var wide = window.matchMedia("(min-width: 960px)");

  function setUp() {
    var sidebar = document.getElementById("pst-primary-sidebar");
    ["primary-toggle", "secondary-toggle"].forEach(function (name) {
      var bound = document.querySelector("." + name);
      document.querySelectorAll("." + name).forEach(function (button) {
        if (button === bound) return;
        if (name === "primary-toggle" && sidebar) {
          button.setAttribute("aria-controls", "pst-primary-sidebar");
          var expanded = function () {
            var shown = wide.matches && !sidebar.classList.contains("pst-sidebar-hidden");
            button.setAttribute("aria-expanded", String(shown));
          };
          expanded();
          wide.addEventListener("change", expanded);
        }
        button.addEventListener("click", function (event) {
          event.preventDefault();
          event.stopImmediatePropagation();
          if (name === "primary-toggle" && sidebar && wide.matches) {
            var hidden = sidebar.classList.toggle("pst-sidebar-hidden");
            button.setAttribute("aria-expanded", String(!hidden));
          } else {
            bound.click();
          }
        }, true);
      });
    });
  }

  if (document.readyState === "loading") {
    document.addEventListener("DOMContentLoaded", setUp);
  } else {
    setUp();
  }
})();
