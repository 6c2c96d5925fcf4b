// Parses every formula given on standard input (a JSON list of {tex, display, where}) with
// MathJax 3's TeX input, as GitHub and JupyterLab do, and prints each one it cannot parse.
// Packages: base, ams, color -- no 'noundefined', so an unknown macro is an error here
// instead of red text on the reader's page.
const {mathjax} = require('mathjax-full/js/mathjax.js');
const {TeX} = require('mathjax-full/js/input/tex.js');
const {STATE} = require('mathjax-full/js/core/MathItem.js');
const {liteAdaptor} = require('mathjax-full/js/adaptors/liteAdaptor.js');
const {RegisterHTMLHandler} = require('mathjax-full/js/handlers/html.js');
require('mathjax-full/js/input/tex/base/BaseConfiguration.js');
require('mathjax-full/js/input/tex/ams/AmsConfiguration.js');
require('mathjax-full/js/input/tex/color/ColorConfiguration.js');

RegisterHTMLHandler(liteAdaptor());
const tex = new TeX({packages: ['base', 'ams', 'color'], formatError: (jax, err) => { throw err; }});
const doc = mathjax.document('', {InputJax: tex});

let input = '';
process.stdin.on('data', d => input += d);
process.stdin.on('end', () => {
  const items = JSON.parse(input);
  let bad = 0;
  for (const it of items) {
    // up to the internal MathML: every parse error is found there, and no output is laid out
    try { doc.convert(it.tex, {display: it.display, end: STATE.COMPILED}); }
    catch (e) { bad++; console.log(`${it.where}: ${e.message}: ${it.tex.slice(0, 160)}`); }
  }
  console.log(`${items.length} formulas, ${bad} failed`);
});
