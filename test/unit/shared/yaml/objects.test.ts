// Rendered objects parsed fast with the core schema, and a syntax error placed in the document.
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { DocumentSyntaxError, loadDocument } from '../../../../core/shared/yaml/objects.js';

test('the core schema: dates stay strings, yes stays a string, numbers are numbers', () => {
  assert.equal(loadDocument('a: 2024-01-01\nb: yes\nc: 0x1f\nd: "1.27"\n'), {
    a: '2024-01-01',
    b: 'yes',
    c: 31,
    d: '1.27',
  });
});

test('a syntax error carries its reason and its 1-based line and column in the document', () => {
  try {
    loadDocument('kind: A\nmetadata:\n  name: x\n  name: y\n');
    assert.unreachable('a duplicate key must be refused');
  } catch (err) {
    assert.instance(err, DocumentSyntaxError);
    const e = err as DocumentSyntaxError;
    assert.match(e.reason, /duplicated mapping key/);
    assert.is(e.line, 4);
    assert.is(e.col, 3);
  }
});

test.run();
