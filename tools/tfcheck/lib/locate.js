'use strict';
// Finds the line of every block and attribute in an HCL file, so findings can
// name file:line. @cdktf/hcl2json gives the structure but no positions; this
// scanner only follows the nesting of blocks and skips over expressions.

function locate(src) {
  let i = 0;
  let line = 1;
  const n = src.length;

  const adv = () => { if (src[i] === '\n') line++; i++; };

  function skipComment() {
    if (src[i] === '#' || (src[i] === '/' && src[i + 1] === '/')) {
      while (i < n && src[i] !== '\n') i++;
      return true;
    }
    if (src[i] === '/' && src[i + 1] === '*') {
      i += 2;
      while (i < n && !(src[i] === '*' && src[i + 1] === '/')) adv();
      i += 2;
      return true;
    }
    return false;
  }

  function skipString() { // at opening quote
    adv();
    while (i < n && src[i] !== '"') {
      if (src[i] === '\\') { adv(); adv(); continue; }
      if ((src[i] === '$' || src[i] === '%') && src[i + 1] === '{') {
        if (src[i - 1] === src[i]) { adv(); continue; }
        adv(); adv();
        skipExpr('}');
        adv();
        continue;
      }
      adv();
    }
    adv();
  }

  function skipHeredoc() {
    const m = /^<<-?([A-Za-z_][A-Za-z0-9_-]*)/.exec(src.slice(i, i + 128));
    const marker = m[1];
    while (i < n && src[i] !== '\n') adv();
    adv();
    for (;;) {
      if (i >= n) return;
      let j = i;
      while (j < n && src[j] !== '\n') j++;
      const ln = src.slice(i, j).trim();
      while (i < j) adv();
      if (ln === marker) return;
      adv();
    }
  }

  // Skips an expression up to (not including) a newline at depth 0 or the
  // given closing character at depth 0.
  function skipExpr(close) {
    let depth = 0;
    while (i < n) {
      const c = src[i];
      if (skipComment()) continue;
      if (c === '"') { skipString(); continue; }
      if (c === '<' && src[i + 1] === '<' && /^<<-?[A-Za-z_]/.test(src.slice(i, i + 4))) { skipHeredoc(); continue; }
      if (c === '(' || c === '[' || c === '{') { depth++; adv(); continue; }
      if (c === ')' || c === ']' || c === '}') {
        if (depth === 0) return;
        depth--; adv(); continue;
      }
      if (c === '\n' && depth === 0 && close === '\n') return;
      adv();
    }
  }

  function skipSpace(newlines) {
    for (;;) {
      if (i >= n) return;
      const c = src[i];
      if (c === ' ' || c === '\t' || c === '\r' || (newlines && c === '\n')) { adv(); continue; }
      if (skipComment()) continue;
      return;
    }
  }

  function body() {
    const node = { attrs: {}, blocks: [] };
    for (;;) {
      skipSpace(true);
      if (i >= n || src[i] === '}') return node;
      const m = /^[A-Za-z_][A-Za-z0-9_-]*/.exec(src.slice(i, i + 256));
      if (!m) { // not an identifier: skip the line
        skipExpr('\n');
        if (src[i] === '}') return node;
        continue;
      }
      const name = m[0];
      const at = line;
      i += name.length;
      skipSpace(false);
      if (src[i] === '=' && src[i + 1] !== '=') {
        adv();
        if (!(name in node.attrs)) node.attrs[name] = at;
        skipExpr('\n');
        continue;
      }
      const labels = [];
      for (;;) {
        skipSpace(false);
        if (src[i] === '"') {
          const s = i;
          skipString();
          labels.push(JSON.parse(src.slice(s, i).replace(/\\(?!["\\/bfnrtu])/g, '\\\\')));
        } else {
          const lm = /^[A-Za-z_][A-Za-z0-9_-]*/.exec(src.slice(i, i + 256));
          if (!lm) break;
          labels.push(lm[0]);
          i += lm[0].length;
        }
      }
      skipSpace(false);
      if (src[i] !== '{') { skipExpr('\n'); continue; }
      adv();
      const child = body();
      adv(); // closing brace
      child.type = name;
      child.labels = labels;
      child.line = at;
      node.blocks.push(child);
    }
  }

  const root = body();
  root.line = 1;
  return root;
}

// Walks a located tree: path is a list of steps, each
// { type, labels?: [...], index?: n } for blocks or a string for an attribute.
// Returns the line of the deepest step found.
function lineOf(root, pathSteps) {
  let node = root;
  let line = root.line;
  for (const step of pathSteps) {
    if (typeof step === 'string') {
      if (node.attrs[step] !== undefined) return node.attrs[step];
      const blk = node.blocks.find((b) => b.type === step || (b.type === 'dynamic' && b.labels[0] === step));
      return blk ? blk.line : line;
    }
    const matches = node.blocks.filter((b) => b.type === step.type
      && (!step.labels || step.labels.every((l, k) => b.labels[k] === l)));
    const found = matches[step.index || 0];
    if (!found) return line;
    node = found;
    line = found.line;
  }
  return line;
}

module.exports = { locate, lineOf };
