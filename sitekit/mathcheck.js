// Typeset formulas with the site's own MathJax and configuration, in Node.
// argv: <mathjax es5 dir> <site MathJax config .js>; stdin: JSON [[tex, display], ...]
// stdout: JSON [[index, message], ...] for each formula MathJax rejects.
const fs = require("fs");
const [es5, configPath] = process.argv.slice(2);

// The page config assigns window.MathJax and subscribes to Material's document$.
global.window = global;
global.document$ = { subscribe() {} };
require(configPath);
const tex = { ...window.MathJax.tex };

global.MathJax = {
  loader: { paths: { mathjax: es5 }, load: ["input/tex", "adaptors/liteDOM"], require },
  tex: { ...tex, formatError: (jax, err) => { throw err; } },
  startup: { typeset: false },
};
require(es5 + "/startup.js");

const formulas = JSON.parse(fs.readFileSync(0, "utf8"));
MathJax.startup.promise
  .then(() => {
    const errors = [];
    formulas.forEach(([source, display], i) => {
      try {
        MathJax.tex2mml(source, { display });
      } catch (err) {
        errors.push([i, String(err.message || err)]);
      }
    });
    process.stdout.write(JSON.stringify(errors));
  })
  .catch((err) => {
    process.stderr.write("MathJax failed to start: " + err + "\n");
    process.exit(2);
  });
