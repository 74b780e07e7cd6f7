'use strict';
const test = require('node:test');
const assert = require('node:assert/strict');
const { locate, lineOf } = require('../lib/locate');

test('lines of blocks, nested blocks, dynamic blocks and attributes', () => {
  const src = [
    'resource "aws_s3_bucket" "a" {', // 1
    '  bucket = "x}{"', // 2
    '  policy = <<-EOT', // 3
    '    { "a": "}" }', // 4
    '  EOT', // 5
    '  rule {', // 6
    '    status = "${var.x}"', // 7
    '  }', // 8
    '  dynamic "cors_rule" {', // 9
    '    for_each = var.c', // 10
    '    content {', // 11
    '      allowed_methods = ["GET"]', // 12
    '    }', // 13
    '  }', // 14
    '  lifecycle { prevent_destroy = true }', // 15
    '}', // 16
    'resource "aws_s3_bucket" "b" {}', // 17
  ].join('\n');
  const t = locate(src);
  const a = { type: 'resource', labels: ['aws_s3_bucket', 'a'] };
  assert.equal(lineOf(t, [a]), 1);
  assert.equal(lineOf(t, [a, 'policy']), 3);
  assert.equal(lineOf(t, [a, { type: 'rule' }, 'status']), 7);
  assert.equal(lineOf(t, [a, 'cors_rule']), 9);
  assert.equal(lineOf(t, [a, 'lifecycle']), 15);
  assert.equal(lineOf(t, [{ type: 'resource', labels: ['aws_s3_bucket', 'b'] }]), 17);
});
