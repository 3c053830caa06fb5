// For printing: ask for every chart and formula to be drawn now, and say whether all are drawn.
// Polled until it returns true, as MathJax may still be starting up on the first polls.
() => {
  if (window.casebookVega) { window.casebookVega.drawAll(); }
  if (window.casebookMath) { window.casebookMath.load(); }
  const maths = window.MathJax && window.MathJax.startup && window.MathJax.startup.document;
  if (maths && maths.lazyTypesetAll && document.querySelector("mjx-lazy") && !window.casebookTypesetting) {
    window.casebookTypesetting = maths.lazyTypesetAll().finally(() => { window.casebookTypesetting = null; });
  }
  // A chart box holds its static SVG from the start, and the interactive one once drawn.
  const charts = [...document.querySelectorAll('div[id^="altair-viz-"]')];
  const formulas = [...document.querySelectorAll(".math")];
  return charts.every((box) => box.querySelector("svg.marks")) && formulas.every((f) => f.querySelector("mjx-math"));
}
