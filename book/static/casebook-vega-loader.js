// Runs before any chart. Each chart box already holds a static SVG drawn at build time: it shows
// at once, prints, and needs no script. The interactive chart (every chart has tooltips, some have
// controls) is drawn when the box comes near the viewport, each in a task of its own, and the
// bundle loads when the first chart needs it: a page's text never waits for charts the reader has
// not reached. The interactive chart is drawn out of sight inside the box and takes the static
// one's place only once complete, so the box is never blank; the static SVG stays, hidden on
// screen, for printing. A chart with much data finds it in a data file of its page, loaded with
// the bundle (book/build/vega.py). `casebookVega.resolve` is called by the bundle once it has loaded;
// `casebookVega.drawAll()` draws every interactive chart now. The build fills in the two
// __CASEBOOK_VEGA_*__ names and inlines the script, so the charts' own inline scripts find it.
(function () {
  var bundle = null, waiting = [], dataFiles = {}, datasets = {};
  window.VEGA_DEBUG = Object.assign(window.VEGA_DEBUG || {}, __CASEBOOK_VEGA_VERSIONS__);
  window.casebookVega = {
    drawAll: function () { waiting.splice(0).forEach(function (draw) { draw(); }); },
    // Called by a page's data file (_static/casebook-data/<page>.js), which holds the data of its
    // largest charts so that the page itself stays light.
    addData: function (named) { Object.assign(datasets, named); }
  };
  function loadScript(src) {
    return new Promise(function (resolve, reject) {
      var script = document.createElement("script");
      script.src = (document.documentElement.dataset.content_root || "") + src;
      script.onload = resolve;
      script.onerror = function () { reject(new Error("could not load " + src)); };
      document.head.appendChild(script);
    });
  }
  // The chart's data: in its spec, or in the page's data file, loaded once.
  function withData(spec) {
    var moved = spec.usermeta && spec.usermeta.casebookData;
    if (!moved) { return Promise.resolve(spec); }
    dataFiles[moved.src] = dataFiles[moved.src] || loadScript(moved.src);
    return dataFiles[moved.src].then(function () {
      var own = {};
      moved.datasets.forEach(function (name) { own[name] = datasets[name]; });
      return Object.assign({}, spec, { datasets: own });
    });
  }
  function loadBundle() {
    if (!bundle) {
      bundle = new Promise(function (resolve) { window.casebookVega.resolve = resolve; });
      var script = document.createElement("script");
      script.src = (document.documentElement.dataset.content_root || "") + "_static/__CASEBOOK_VEGA_BUNDLE__";
      document.head.appendChild(script);
    }
    return bundle;
  }
  // A chart in the first screen stays the static picture until the reader first moves, scrolls,
  // taps or types: compiling Vega at once would hold a phone's only core while the page opens.
  var firstInput = new Promise(function (resolve) {
    ["pointerdown", "pointermove", "keydown", "wheel", "touchstart"].forEach(function (type) {
      window.addEventListener(type, function () { resolve(); }, { once: true, passive: true, capture: true });
    });
    // The page's own scrolling only: the theme scrolls its sidebar as the page opens.
    window.addEventListener("scroll", function () { resolve(); }, { once: true, passive: true });
  });
  function nearViewport(box) {
    return new Promise(function (resolve) {
      if (!("IntersectionObserver" in window)) { resolve(); return; }
      var watch = new IntersectionObserver(function (entries) {
        if (entries.some(function (entry) { return entry.isIntersecting; })) { firstInput.then(draw); }
      }, { rootMargin: "50% 0px" });
      function draw() { watch.disconnect(); resolve(); }
      waiting.push(draw);
      watch.observe(box);
    });
  }
  function ownTask(value) { return new Promise(function (resolve) { setTimeout(resolve, 0, value); }); }
  window.vegaEmbed = function (element, spec, options) {
    var box = typeof element === "string" ? document.querySelector(element) : element;
    return nearViewport(box).then(function () {
      return Promise.all([loadBundle(), withData(spec)]);
    }).then(ownTask).then(function (loaded) {
      var embed = loaded[0], full = loaded[1];
      var live = document.createElement("div");
      live.className = "casebook-chart-live casebook-chart-pending";
      box.appendChild(live);
      return embed(live, full, options).then(function (result) {
        box.classList.add("casebook-chart-drawn");
        live.classList.remove("casebook-chart-pending");
        // A chart wider than the text column scrolls; keyboard users must be able to reach it.
        if (live.scrollWidth > live.clientWidth) { live.tabIndex = 0; }
        // The chart's description also names the SVG itself, for tools that read the image.
        var svg = live.querySelector("svg");
        if (svg && spec.description) {
          svg.setAttribute("role", "img");
          svg.setAttribute("aria-label", spec.description);
        }
        return result;
      });
    });
  };
})();
