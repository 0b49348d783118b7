// A values contract change cannot be forgotten: today's schema against the schema of the last
// released contract (schemas/released/); every incompatible change must be answered by a
// migration after that release, and the core's contract must be the last migration's.
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { type Incompatibility, incompatibilities } from '../../../core/migrate/compat.js';
import { migrations } from '../../../core/migrate/migrations/index.js';
import type { Step, ValuesPath } from '../../../core/migrate/types.js';
import { coreRoot } from '../../../core/shared/paths.js';
import { contractVersion } from '../../../core/values/contract.js';

type Schema = { [key: string]: unknown };
const read = (file: string): Schema => JSON.parse(readFileSync(join(coreRoot, file), 'utf8'));

const released = readdirSync(join(coreRoot, 'schemas/released'))
  .map((f) => /^values\.contract-(\d+)\.schema\.json$/.exec(f))
  .filter((m) => m !== null)
  .map((m) => ({ version: Number(m[1]), file: `schemas/released/${m[0]}` }))
  .sort((a, b) => b.version - a.version)[0];

const prefix = (p: ValuesPath, of: readonly string[]) =>
  p.length <= of.length && p.every((k, i) => k === of[i]);

/** The paths a step answers for: its source (what values written before it hold). */
function answered(step: Step): ValuesPath[] {
  switch (step.kind) {
    case 'rename':
    case 'delete':
    case 'setDefault':
      return [step.path];
    case 'move':
      return [step.from];
    case 'function':
      return [...step.covers];
  }
}

/** The changes no migration after `since` answers. */
export function unanswered(changes: Incompatibility[], since: number): Incompatibility[] {
  const steps = migrations.filter((m) => m.to > since).flatMap((m) => m.steps);
  return changes.filter((c) => !steps.some((s) => answered(s).some((p) => prefix(p, c.path))));
}

const show = (cs: Incompatibility[]) => cs.map((c) => `${c.path.join('.')}: ${c.kind} (${c.detail})`);

test('migrations are numbered 1, 2, … by file name and `to`; the last is the core contract', () => {
  assert.equal(
    migrations.map((m) => m.to),
    migrations.map((_m, i) => i + 1),
  );
  assert.is(migrations[migrations.length - 1]?.to ?? 0, contractVersion);
  const files = readdirSync(join(coreRoot, 'core/migrate/migrations'))
    .filter((f) => /^\d{4}-.*\.ts$/.test(f))
    .sort();
  assert.equal(
    files.map((f) => Number(f.slice(0, 4))),
    migrations.map((m) => m.to),
  );
});

test('the released schema is kept and no newer than the core contract', () => {
  assert.ok(released, 'no schemas/released/values.contract-N.schema.json');
  assert.ok(released.version <= contractVersion);
});

test('every incompatible change since the released contract has a migration and a contract bump', () => {
  if (!released) return assert.unreachable('no released schema');
  const before = read(released.file);
  const after = read('schemas/values.schema.json');
  const changes = [
    ...incompatibilities(before, after),
    ...incompatibilities(before, after, 'repoFile').map((c) => ({
      ...c,
      path: ['runlevel.yaml', ...c.path],
    })),
  ];
  if (released.version === contractVersion) {
    assert.equal(
      show(changes),
      [],
      `schemas/values.schema.json changed incompatibly since contract ${released.version}: write a migration (docs/migrations.md) and bump contractVersion`,
    );
  }
  assert.equal(show(unanswered(changes, released.version)), [], 'changes no migration answers');
});

// The checker itself, on small schemas: each kind of break is found, and additions are not.
const base: Schema = {
  type: 'object',
  additionalProperties: false,
  properties: {
    a: { type: 'string' },
    b: { type: 'integer', minimum: 0 },
    mode: { enum: ['x', 'y'] },
    apps: { type: 'object', additionalProperties: { $ref: '#/$defs/app' } },
  },
  $defs: { app: { type: 'object', properties: { port: { type: 'integer' } } } },
};
const edit = (change: (s: Schema & { properties: Record<string, Schema> }) => void): Schema => {
  const s = structuredClone(base) as Schema & { properties: Record<string, Schema> };
  change(s);
  return s;
};

const cases: [string, Schema, string[]][] = [
  ['same schema', base, []],
  ['an optional property added', edit((s) => (s.properties.c = { type: 'string' })), []],
  ['a type widened', edit((s) => (s.properties.a = { type: ['string', 'number'] })), []],
  ['a property removed', edit((s) => delete s.properties.a), ['a: removed']],
  [
    'a property renamed',
    edit((s) => {
      s.properties.aa = s.properties.a as Schema;
      delete s.properties.a;
    }),
    ['a: removed'],
  ],
  ['a new required property', edit((s) => (s.required = ['b'])), ['b: required']],
  ['a type narrowed', edit((s) => (s.properties.a = { type: 'boolean' })), ['a: narrowed']],
  ['a bound narrowed', edit((s) => (s.properties.b = { type: 'integer', minimum: 1 })), ['b: narrowed']],
  ['an enum narrowed', edit((s) => (s.properties.mode = { enum: ['x'] })), ['mode: narrowed']],
  [
    'a property removed behind a $ref in a map',
    edit((s) => ((s.$defs as Record<string, Schema>).app = { type: 'object', properties: {} })),
    ['apps.*.port: removed'],
  ],
];
for (const [name, after, want] of cases) {
  test(`the checker: ${name}`, () => {
    assert.equal(
      incompatibilities(base, after).map((c) => `${c.path.join('.')}: ${c.kind}`),
      want,
    );
  });
}

test('a removed property is unanswered without a migration that names it', () => {
  const change: Incompatibility = { path: ['platform', 'ingress', 'className'], kind: 'removed', detail: '' };
  assert.equal(unanswered([change], 0), [change]);
  const moved: Incompatibility = { path: ['platform', 'sso', 'hostname'], kind: 'removed', detail: '' };
  assert.equal(unanswered([moved], 0), []);
  assert.equal(unanswered([moved], 2), [moved], 'a migration before the release does not answer it');
});

test.run();
