// Typeset TeX to SVG with the site's pinned MathJax, in Node, at build time.
// argv: <mathjax es5 dir>. stdin: one JSON request per line, either
// [[tex, display], ...] or "css"; stdout: one JSON answer per line.
// A formula's answer is {svg, defs} (defs: glyph id -> <path>, the font
// cache it uses) or {error}; "css" answers MathJax's own stylesheet.
const readline = require("readline");
const [es5] = process.argv.slice(2);

global.MathJax = {
  loader: {
    paths: { mathjax: es5 },
    load: ["input/tex", "output/svg", "adaptors/liteDOM", "a11y/assistive-mml"],
    require,
  },
  tex: {
    // An undefined macro is an error, not red text on the page.
    packages: { "[-]": ["noundefined"] },
    formatError: (jax, err) => { throw err; },
  },
  // Glyphs are defined once per page and reused (<use>), not per formula.
  svg: { fontCache: "global" },
  startup: { typeset: false },
};
require(es5 + "/startup.js");

function typeset(adaptor, output, [tex, display]) {
  try {
    output.fontCache.clearCache();
    const html = adaptor.outerHTML(MathJax.tex2svg(tex, { display }));
    const defs = {};
    for (const glyph of adaptor.childNodes(output.fontCache.getCache())) {
      defs[adaptor.getAttribute(glyph, "id")] = adaptor.outerHTML(glyph);
    }
    return { svg: html, defs };
  } catch (err) {
    return { error: String(err.message || err) };
  }
}

MathJax.startup.promise
  .then(() => {
    const adaptor = MathJax.startup.adaptor;
    const output = MathJax.startup.output;
    const lines = readline.createInterface({ input: process.stdin });
    lines.on("line", (line) => {
      const request = JSON.parse(line);
      const answer = request === "css"
        ? adaptor.textContent(MathJax.svgStylesheet())
        : request.map((formula) => typeset(adaptor, output, formula));
      process.stdout.write(JSON.stringify(answer) + "\n");
    });
  })
  .catch((err) => {
    process.stderr.write("MathJax failed to start: " + err + "\n");
    process.exit(2);
  });
