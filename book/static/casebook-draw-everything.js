// For printing: ask for every chart and formula to be drawn now, and say whether all are drawn.
// Polled until it returns true, as MathJax may still be starting up on the first polls.
() => {
  if (window.casebookVega) { window.casebookVega.drawAll(); }
  const maths = window.MathJax && window.MathJax.startup && window.MathJax.startup.document;
  if (maths && maths.lazyTypesetAll && document.querySelector("mjx-lazy") && !window.casebookTypesetting) {
    window.casebookTypesetting = maths.lazyTypesetAll().finally(() => { window.casebookTypesetting = null; });
  }
  const charts = document.querySelectorAll('div[id^="altair-viz-"]');
  const drawn = document.querySelectorAll('div[id^="altair-viz-"] svg.marks');
  const formulas = [...document.querySelectorAll(".math")];
  return charts.length === drawn.length && formulas.every((f) => f.querySelector("mjx-math"));
}
