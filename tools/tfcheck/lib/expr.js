'use strict';
// A small parser for HashiCorp configuration language (HCL) expressions.
// @cdktf/hcl2json gives every expression back as source text inside "${...}";
// this module turns that text into a syntax tree so the checker can find the
// references it makes and evaluate the simple ones (variables, locals,
// conditionals, literals, a subset of the built-in functions).

class ExprError extends Error {
  constructor(message, pos) {
    super(message);
    this.pos = pos;
  }
}

const PUNCT = ['...', '=>', '==', '!=', '<=', '>=', '&&', '||', '::',
  '{', '}', '[', ']', '(', ')', ',', '.', '?', ':', '=', '<', '>', '+', '-', '*', '/', '%', '!'];

class Parser {
  constructor(src) {
    this.src = src;
    this.pos = 0;
    this.tok = null;
  }

  // ---- lexer -------------------------------------------------------------
  skipSpace() {
    const s = this.src;
    for (;;) {
      const c = s[this.pos];
      if (c === ' ' || c === '\t' || c === '\n' || c === '\r') { this.pos++; continue; }
      if (c === '#' || (c === '/' && s[this.pos + 1] === '/')) {
        while (this.pos < s.length && s[this.pos] !== '\n') this.pos++;
        continue;
      }
      if (c === '/' && s[this.pos + 1] === '*') {
        const end = s.indexOf('*/', this.pos + 2);
        if (end < 0) throw new ExprError('unterminated comment', this.pos);
        this.pos = end + 2;
        continue;
      }
      return;
    }
  }

  peek() {
    if (this.tok) return this.tok;
    this.skipSpace();
    const s = this.src;
    const start = this.pos;
    if (start >= s.length) return (this.tok = { t: 'eof', pos: start });
    const c = s[start];
    if (/[A-Za-z_]/.test(c)) {
      const m = /^[A-Za-z_][A-Za-z0-9_-]*/.exec(s.slice(start, start + 256));
      return (this.tok = { t: 'ident', v: m[0], pos: start, end: start + m[0].length });
    }
    if (/[0-9]/.test(c)) {
      const m = /^[0-9]+(\.[0-9]+)?([eE][+-]?[0-9]+)?/.exec(s.slice(start, start + 64));
      return (this.tok = { t: 'number', v: Number(m[0]), pos: start, end: start + m[0].length });
    }
    if (c === '"') return (this.tok = { t: 'quote', pos: start, end: start + 1 });
    if (c === '<' && s[start + 1] === '<' && /^<<-?[A-Za-z_]/.test(s.slice(start, start + 4))) {
      return (this.tok = { t: 'heredoc', pos: start, end: start });
    }
    for (const p of PUNCT) {
      if (s.startsWith(p, start)) return (this.tok = { t: 'punct', v: p, pos: start, end: start + p.length });
    }
    throw new ExprError(`unexpected character ${JSON.stringify(c)}`, start);
  }

  next() {
    const t = this.peek();
    this.tok = null;
    this.pos = t.end === undefined ? this.pos : t.end;
    return t;
  }

  isP(v) {
    const t = this.peek();
    return t.t === 'punct' && t.v === v;
  }

  eatP(v) {
    if (this.isP(v)) { this.next(); return true; }
    return false;
  }

  expectP(v) {
    const t = this.peek();
    if (t.t !== 'punct' || t.v !== v) {
      throw new ExprError(`expected "${v}" but found ${t.t === 'eof' ? 'end of expression' : JSON.stringify(t.v ?? t.t)}`, t.pos);
    }
    return this.next();
  }

  // ---- templates ---------------------------------------------------------
  // mode 'quoted': inside "..." with escapes; 'raw': a whole string from
  // hcl2json (escapes already decoded); 'heredoc': until the given end.
  parseTemplate(mode, end) {
    const s = this.src;
    const parts = [];
    let lit = '';
    const start = this.pos;
    const flush = () => { if (lit) { parts.push({ k: 'lit', v: lit }); lit = ''; } };
    for (;;) {
      if (this.pos >= end) {
        if (mode === 'quoted') throw new ExprError('unterminated string', start);
        break;
      }
      const c = s[this.pos];
      if (mode === 'quoted' && c === '"') { this.pos++; break; }
      if (mode === 'quoted' && c === '\\') {
        const n = s[this.pos + 1];
        const map = { n: '\n', t: '\t', r: '\r', '"': '"', '\\': '\\' };
        if (n in map) { lit += map[n]; this.pos += 2; continue; }
        if (n === 'u') { lit += String.fromCharCode(parseInt(s.slice(this.pos + 2, this.pos + 6), 16)); this.pos += 6; continue; }
        if (n === 'U') { lit += String.fromCodePoint(parseInt(s.slice(this.pos + 2, this.pos + 10), 16)); this.pos += 10; continue; }
        throw new ExprError(`invalid escape \\${n}`, this.pos);
      }
      if ((c === '$' || c === '%') && s[this.pos + 1] === c && s[this.pos + 2] === '{') {
        lit += c + '{'; this.pos += 3; continue;
      }
      if ((c === '$' || c === '%') && s[this.pos + 1] === '{') {
        flush();
        const kind = c;
        this.pos += 2;
        if (s[this.pos] === '~') this.pos++;
        this.tok = null;
        if (kind === '$') {
          const e = this.parseExpr();
          parts.push({ k: 'expr', e });
        } else {
          // %{ if cond } / %{ else } / %{ endif } / %{ for x in coll } / %{ endfor }
          const t = this.next();
          if (t.t !== 'ident') throw new ExprError('bad template directive', t.pos);
          if (t.v === 'if') parts.push({ k: 'dir', d: 'if', e: this.parseExpr() });
          else if (t.v === 'for') {
            const vars = [this.expectIdent()];
            if (this.eatP(',')) vars.push(this.expectIdent());
            const kw = this.expectIdent();
            if (kw !== 'in') throw new ExprError('expected "in"', this.pos);
            parts.push({ k: 'dir', d: 'for', vars, e: this.parseExpr() });
          } else parts.push({ k: 'dir', d: t.v });
        }
        this.skipSpace();
        this.tok = null;
        if (s[this.pos] === '~') this.pos++;
        if (s[this.pos] !== '}') throw new ExprError('expected "}" to close the interpolation', this.pos);
        this.pos++;
        continue;
      }
      lit += c;
      this.pos++;
    }
    flush();
    return { type: 'template', parts, pos: start };
  }

  expectIdent() {
    const t = this.next();
    if (t.t !== 'ident') throw new ExprError('expected a name', t.pos);
    return t.v;
  }

  // ---- expressions -------------------------------------------------------
  parseExpr() {
    const cond = this.parseBinary(0);
    if (this.eatP('?')) {
      const a = this.parseExpr();
      this.expectP(':');
      const b = this.parseExpr();
      return { type: 'cond', c: cond, a, b, pos: cond.pos };
    }
    return cond;
  }

  parseBinary(level) {
    const LEVELS = [['||'], ['&&'], ['==', '!='], ['<', '>', '<=', '>='], ['+', '-'], ['*', '/', '%']];
    if (level >= LEVELS.length) return this.parseUnary();
    let lhs = this.parseBinary(level + 1);
    for (;;) {
      const t = this.peek();
      if (t.t === 'punct' && LEVELS[level].includes(t.v)) {
        this.next();
        const rhs = this.parseBinary(level + 1);
        lhs = { type: 'bin', op: t.v, l: lhs, r: rhs, pos: lhs.pos };
      } else return lhs;
    }
  }

  parseUnary() {
    const t = this.peek();
    if (t.t === 'punct' && (t.v === '!' || t.v === '-')) {
      this.next();
      return { type: 'unary', op: t.v, e: this.parseUnary(), pos: t.pos };
    }
    return this.parsePostfix(this.parsePrimary());
  }

  parsePostfix(e) {
    for (;;) {
      if (this.isP('.')) {
        this.next();
        const t = this.next();
        if (t.t === 'ident') e = { type: 'attr', e, name: t.v, pos: e.pos };
        else if (t.t === 'number') e = { type: 'index', e, i: { type: 'lit', v: t.v }, pos: e.pos };
        else if (t.t === 'punct' && t.v === '*') e = { type: 'splat', e, pos: e.pos };
        else throw new ExprError('expected an attribute name after "."', t.pos);
      } else if (this.isP('[')) {
        this.next();
        if (this.isP('*')) {
          this.next();
          this.expectP(']');
          e = { type: 'splat', e, pos: e.pos };
        } else {
          const i = this.parseExpr();
          this.expectP(']');
          e = { type: 'index', e, i, pos: e.pos };
        }
      } else return e;
    }
  }

  parsePrimary() {
    const t = this.peek();
    if (t.t === 'number') { this.next(); return { type: 'lit', v: t.v, pos: t.pos }; }
    if (t.t === 'quote') {
      this.next();
      const tpl = this.parseTemplate('quoted', this.src.length);
      this.tok = null;
      if (tpl.parts.length === 0) return { type: 'lit', v: '', pos: t.pos };
      if (tpl.parts.length === 1 && tpl.parts[0].k === 'lit') return { type: 'lit', v: tpl.parts[0].v, pos: t.pos };
      return tpl;
    }
    if (t.t === 'heredoc') return this.parseHeredoc();
    if (t.t === 'ident') {
      this.next();
      if (t.v === 'true') return { type: 'lit', v: true, pos: t.pos };
      if (t.v === 'false') return { type: 'lit', v: false, pos: t.pos };
      if (t.v === 'null') return { type: 'lit', v: null, pos: t.pos };
      let name = t.v;
      while (this.isP('::')) { this.next(); name += '::' + this.expectIdent(); }
      if (this.isP('(')) {
        this.next();
        const args = [];
        let expand = false;
        while (!this.isP(')')) {
          args.push(this.parseExpr());
          if (this.eatP('...')) expand = true;
          if (!this.eatP(',')) break;
        }
        this.expectP(')');
        return { type: 'call', name, args, expand, pos: t.pos };
      }
      return { type: 'var', name, pos: t.pos };
    }
    if (t.t === 'punct') {
      if (t.v === '(') {
        this.next();
        const e = this.parseExpr();
        this.expectP(')');
        return { type: 'paren', e, pos: t.pos };
      }
      if (t.v === '[') return this.parseTuple();
      if (t.v === '{') return this.parseObject();
    }
    throw new ExprError(t.t === 'eof' ? 'unexpected end of expression' : `unexpected ${JSON.stringify(t.v ?? t.t)}`, t.pos);
  }

  parseHeredoc() {
    const s = this.src;
    const m = /^<<(-?)([A-Za-z_][A-Za-z0-9_-]*)[ \t]*\r?\n/.exec(s.slice(this.pos, this.pos + 128));
    if (!m) throw new ExprError('bad heredoc', this.pos);
    const bodyStart = this.pos + m[0].length;
    const re = new RegExp(`^[ \\t]*${m[2]}[ \\t]*$`, 'm');
    const rest = s.slice(bodyStart);
    const em = re.exec(rest);
    if (!em) throw new ExprError(`heredoc ${m[2]} is not closed`, this.pos);
    const bodyEnd = bodyStart + em.index;
    this.tok = null;
    this.pos = bodyStart;
    const tpl = this.parseTemplate('heredoc', bodyEnd);
    this.pos = bodyEnd + em[0].length;
    this.tok = null;
    return tpl;
  }

  parseFor(close) {
    const start = this.next(); // "for"
    const v1 = this.expectIdent();
    let v2 = null;
    if (this.eatP(',')) v2 = this.expectIdent();
    if (this.expectIdent() !== 'in') throw new ExprError('expected "in" in for expression', this.pos);
    const coll = this.parseExpr();
    this.expectP(':');
    let key = null;
    let val = this.parseExpr();
    if (close === '}') {
      this.expectP('=>');
      key = val;
      val = this.parseExpr();
      this.eatP('...');
    }
    let cond = null;
    const t = this.peek();
    if (t.t === 'ident' && t.v === 'if') { this.next(); cond = this.parseExpr(); }
    this.expectP(close);
    return { type: 'for', obj: close === '}', keyVar: v2 ? v1 : null, valVar: v2 || v1, coll, key, val, cond, pos: start.pos };
  }

  parseTuple() {
    const open = this.next();
    const t = this.peek();
    if (t.t === 'ident' && t.v === 'for') return this.parseFor(']');
    const items = [];
    while (!this.isP(']')) {
      items.push(this.parseExpr());
      if (!this.eatP(',')) break;
    }
    this.expectP(']');
    return { type: 'tuple', items, pos: open.pos };
  }

  parseObject() {
    const open = this.next();
    const t = this.peek();
    if (t.t === 'ident' && t.v === 'for') return this.parseFor('}');
    const items = [];
    while (!this.isP('}')) {
      let key;
      const kt = this.peek();
      if (kt.t === 'ident') {
        // a bare name is a literal key unless followed by an operator
        this.next();
        if (this.isP('=') || this.isP(':')) key = { type: 'lit', v: kt.v, pos: kt.pos };
        else { this.tok = null; this.pos = kt.pos; key = this.parseExpr(); }
      } else key = this.parseExpr();
      if (!this.eatP('=')) this.expectP(':');
      const value = this.parseExpr();
      items.push({ key, value });
      this.eatP(',');
    }
    this.expectP('}');
    return { type: 'object', items, pos: open.pos };
  }
}

// Parses a complete expression (no surrounding "${}").
function parseExpression(src) {
  const p = new Parser(src);
  const e = p.parseExpr();
  const t = p.peek();
  if (t.t !== 'eof') throw new ExprError(`unexpected ${JSON.stringify(t.v ?? t.t)} after the expression`, t.pos);
  return e;
}

// Parses a string as hcl2json gives it (a template; "${x}" alone is x).
function parseTemplateString(src) {
  const p = new Parser(src);
  const tpl = p.parseTemplate('raw', src.length);
  if (tpl.parts.length === 1 && tpl.parts[0].k === 'expr') return tpl.parts[0].e;
  if (tpl.parts.length === 0) return { type: 'lit', v: '', pos: 0 };
  if (tpl.parts.length === 1 && tpl.parts[0].k === 'lit') return { type: 'lit', v: tpl.parts[0].v, pos: 0 };
  return tpl;
}

// Turns a JSON value from hcl2json into an expression tree.
function fromJson(v) {
  if (v === null || typeof v === 'number' || typeof v === 'boolean') return { type: 'lit', v, pos: 0 };
  if (typeof v === 'string') return v.includes('${') || v.includes('%{') ? parseTemplateString(v) : { type: 'lit', v: v.replace(/\$\$\{/g, '${').replace(/%%\{/g, '%{'), pos: 0 };
  if (Array.isArray(v)) return { type: 'tuple', items: v.map(fromJson), pos: 0 };
  if (typeof v === 'object') {
    return {
      type: 'object',
      items: Object.entries(v).map(([k, val]) => ({
        key: /^\$\{[\s\S]*\}$/.test(k) ? parseTemplateString(k) : { type: 'lit', v: k, pos: 0 },
        value: fromJson(val),
      })),
      pos: 0,
    };
  }
  throw new Error(`unexpected JSON value ${typeof v}`);
}

// Lists every traversal (root name plus static attribute/index steps) in an
// expression that is not bound by an enclosing for expression or directive.
function traversals(e, bound = new Set(), out = []) {
  if (!e) return out;
  switch (e.type) {
    case 'lit': break;
    case 'var':
    case 'attr':
    case 'index':
    case 'splat': {
      // flatten the chain down to its root
      const steps = [];
      let cur = e;
      while (cur.type === 'attr' || cur.type === 'index' || cur.type === 'splat') {
        if (cur.type === 'attr') steps.unshift({ name: cur.name });
        else if (cur.type === 'index') {
          steps.unshift({ index: cur.i.type === 'lit' ? cur.i.v : undefined });
          traversals(cur.i, bound, out);
        } else steps.unshift({ splat: true });
        cur = cur.e;
      }
      if (cur.type === 'var') {
        if (!bound.has(cur.name)) out.push({ root: cur.name, steps, pos: cur.pos });
      } else traversals(cur, bound, out);
      break;
    }
    case 'template': {
      let b = bound;
      for (const p of e.parts) {
        if (p.k === 'expr' || (p.k === 'dir' && p.e)) traversals(p.e, b, out);
        if (p.k === 'dir' && p.d === 'for') b = new Set([...b, ...p.vars]);
      }
      break;
    }
    case 'cond': traversals(e.c, bound, out); traversals(e.a, bound, out); traversals(e.b, bound, out); break;
    case 'bin': traversals(e.l, bound, out); traversals(e.r, bound, out); break;
    case 'unary': case 'paren': traversals(e.e, bound, out); break;
    case 'call': e.args.forEach((a) => traversals(a, bound, out)); break;
    case 'tuple': e.items.forEach((a) => traversals(a, bound, out)); break;
    case 'object': e.items.forEach((it) => { traversals(it.key, bound, out); traversals(it.value, bound, out); }); break;
    case 'for': {
      traversals(e.coll, bound, out);
      const inner = new Set(bound);
      if (e.keyVar) inner.add(e.keyVar);
      inner.add(e.valVar);
      traversals(e.key, inner, out);
      traversals(e.val, inner, out);
      traversals(e.cond, inner, out);
      break;
    }
    default: break;
  }
  return out;
}

// Function names used by an expression (to reject unknown functions).
function functionCalls(e, out = []) {
  if (!e || typeof e !== 'object') return out;
  switch (e.type) {
    case 'call': out.push({ name: e.name, pos: e.pos }); e.args.forEach((a) => functionCalls(a, out)); break;
    case 'template': e.parts.forEach((p) => functionCalls(p.e, out)); break;
    case 'cond': functionCalls(e.c, out); functionCalls(e.a, out); functionCalls(e.b, out); break;
    case 'bin': functionCalls(e.l, out); functionCalls(e.r, out); break;
    case 'unary': case 'paren': case 'attr': case 'splat': functionCalls(e.e, out); break;
    case 'index': functionCalls(e.e, out); functionCalls(e.i, out); break;
    case 'tuple': e.items.forEach((a) => functionCalls(a, out)); break;
    case 'object': e.items.forEach((it) => { functionCalls(it.key, out); functionCalls(it.value, out); }); break;
    case 'for': [e.coll, e.key, e.val, e.cond].forEach((x) => functionCalls(x, out)); break;
    default: break;
  }
  return out;
}

module.exports = { parseExpression, parseTemplateString, fromJson, traversals, functionCalls, ExprError };
