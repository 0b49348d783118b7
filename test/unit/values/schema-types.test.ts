import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { coreRoot } from '../../../core/shared/paths.js';
import { generatedFile, generateFromFile, generateTypes } from '../../../core/values/schema-types.js';
import { validators } from '../../../core/values/validate.js';

test('types.generated.ts is what the schema generates (regenerate: node dist/core/values/schema-types.js --write)', () => {
  assert.is(readFileSync(join(coreRoot, generatedFile), 'utf8'), generateFromFile());
});

test('the generator maps required, defaulted and optional properties', () => {
  const out = generateTypes({
    type: 'object',
    required: ['a'],
    properties: {
      a: { type: 'string', description: 'A.' },
      b: { type: 'integer', default: 1 },
      c: { enum: ['x', 'y'] },
      d: { type: 'object', additionalProperties: { $ref: '#/$defs/thing' } },
    },
    $defs: { thing: { type: 'array', items: { type: ['string', 'number'] } } },
  });
  assert.match(out, /\/\*\* A\. \*\/\n {2}a: string;/);
  assert.match(out, /\n {2}b: number;/);
  assert.match(out, /\n {2}c\?: 'x' \| 'y';/);
  assert.match(out, /\n {2}d\?: \{ \[key: string\]: Thing \};/);
  assert.match(out, /export type Thing = Array<string \| number>;/);
});

test('every property in the schema has a description', () => {
  const { schema } = validators();
  const missing: string[] = [];
  const walk = (s: unknown, path: string) => {
    if (!s || typeof s !== 'object') return;
    const o = s as Record<string, unknown>;
    for (const [name, p] of Object.entries((o.properties as Record<string, unknown>) ?? {})) {
      if (!(p as { description?: string }).description && !(p as { $ref?: string }).$ref)
        missing.push(`${path}.${name}`);
      walk(p, `${path}.${name}`);
    }
    for (const key of ['items', 'additionalProperties']) walk(o[key], `${path}[${key}]`);
    for (const [name, d] of Object.entries((o.$defs as Record<string, unknown>) ?? {})) {
      if (!(d as { description?: string }).description) missing.push(`$defs.${name}`);
      walk(d, `$defs.${name}`);
    }
  };
  walk(schema, '');
  assert.equal(missing, []);
});

test.run();
