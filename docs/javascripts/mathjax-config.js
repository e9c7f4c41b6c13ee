// MathJax 3 configuration for every page (also read by sitekit/mathcheck.js,
// which typesets every formula at build time with these same options).
window.MathJax = {
  tex: {
    inlineMath: [["\\(", "\\)"]],
    displayMath: [["\\[", "\\]"]],
    processEscapes: true,
    processEnvironments: true,
    // An undefined macro is an error, not silently rendered red text.
    packages: { "[-]": ["noundefined"] },
  },
  options: {
    // Only what pymdownx.arithmatex marked as math is typeset.
    ignoreHtmlClass: ".*|",
    processHtmlClass: "arithmatex",
  },
};

// Material's instant navigation swaps the page without a reload:
// typeset the new page's math each time.
document$.subscribe(() => {
  if (!window.MathJax.typesetPromise) return; // first load: MathJax typesets on startup
  MathJax.typesetClear();
  MathJax.texReset();
  MathJax.typesetPromise();
});
