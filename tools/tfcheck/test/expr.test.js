'use strict';
const test = require('node:test');
const assert = require('node:assert/strict');
const { parseTemplateString, traversals, functionCalls } = require('../lib/expr');
const { tryEvaluate, UNKNOWN, Encoded } = require('../lib/eval');

const refs = (s) => traversals(parseTemplateString(s)).map((t) => t.root + t.steps.map((x) => (x.name ? `.${x.name}` : x.splat ? '[*]' : `[${x.index}]`)).join(''));
const ev = (s, vars = {}) => tryEvaluate(parseTemplateString(s), { root: (n) => (n === 'var' ? vars : UNKNOWN) });

test('references skip for-expression variables, also inside nested templates', () => {
  assert.deepEqual(refs('${[for k, v in var.x : { name = k, value = "${v}-${local.z}" } if v != null]}'), ['var.x', 'local.z']);
  assert.deepEqual(refs('${{ for k, v in var.m : k => v.a... }}'), ['var.m']);
  assert.deepEqual(refs('x-%{ for s in local.l }${s}%{ endfor }'), ['local.l']);
  assert.deepEqual(refs('${aws_subnet.this[count.index].id}'), ['count.index', 'aws_subnet.this[undefined].id']);
  assert.deepEqual(refs('${module.m["k"].out}'), ['module.m[k].out']);
  assert.deepEqual(refs('${jsonencode({\n  a = 1 # comment\n  b = data.aws_region.current.region\n})}'), ['data.aws_region.current.region']);
});

test('function names are collected, provider functions included', () => {
  const names = functionCalls(parseTemplateString('${lookup(merge(var.a, {}), "k", provider::aws::arn_parse(var.b).region)}')).map((f) => f.name);
  assert.deepEqual(names.sort(), ['lookup', 'merge', 'provider::aws::arn_parse'].sort());
});

test('evaluation: conditionals, functions, for expressions, templates', () => {
  assert.equal(ev('${var.env == "prod" ? 7 : 1}', { env: 'prod' }), 7);
  assert.equal(ev('${contains(["none", "single"], var.n)}', { n: 'per_az' }), false);
  assert.deepEqual(ev('${{ for k, v in var.m : k => v if v != null }}', { m: { a: 1, b: null } }), { a: 1 });
  assert.equal(ev('${can(regex("^[a-z]+$", var.s))}', { s: 'abc' }), true);
  assert.equal(ev('x-${var.l[1]}', { l: ['a', 'b'] }), 'x-b');
  assert.equal(ev('${max([25, 35, 50]...)}'), 50);
  assert.equal(ev('${var.e != "" && var.missing}', { e: 'x' }), UNKNOWN);
  assert.equal(ev('${false && var.missing}', {}), false);
});

test('try() and can() treat a missing attribute of a known object as an error, like Terraform', () => {
  assert.deepEqual(ev('${[for m in var.l : { d = try(m.dimension, null), v = try(m.values, []) }]}', { l: [{ a: 1 }, { dimension: 'x', values: ['y'] }] }),
    [{ d: null, v: [] }, { d: 'x', v: ['y'] }]);
  assert.equal(ev('${can(var.m.x)}', { m: { a: 1 } }), false);
  assert.equal(ev('${var.m.x}', { m: { a: 1 } }), UNKNOWN, 'outside try() it stays unknown');
  assert.equal(ev('${try(var.u.x, 1)}', { u: UNKNOWN }), UNKNOWN, 'an unknown object stays unknown');
});

test('unknown values propagate and jsonencode keeps the structure for rules', () => {
  const v = tryEvaluate(parseTemplateString('${jsonencode([{ name = "a", image = aws_ecr_repository.r.repository_url }])}'), { root: () => UNKNOWN });
  assert.ok(v instanceof Encoded);
  assert.equal(v.value[0].name, 'a');
  assert.equal(v.value[0].image, UNKNOWN);
  assert.equal(ev('${jsonencode({ a = 1 })}'), '{"a":1}');
});

test('syntax errors in expressions are reported, not swallowed', () => {
  assert.throws(() => parseTemplateString('${var.a +}'), /unexpected/);
  assert.throws(() => parseTemplateString('${[for x in var.l : x}'), /expected/);
});
