import { test } from 'uvu';
import * as assert from 'uvu/assert';
import type { PlannedRelease } from '../../../core/render/helmfile.js';
import { locateViolation, valuesCandidates } from '../../../core/render/provenance.js';
import type { Origin } from '../../../core/values/index.js';

const rel = (runlevel: string, labels: Record<string, string>) => ({ runlevel, labels }) as PlannedRelease;

test('chart values map back to the values that feed them, per runlevel', () => {
  assert.equal(valuesCandidates(rel('90-apps', { team: 'a', app: 'web' }), '/replicas'), [
    '/apps/web/values/replicas',
    '/apps/web/replicas',
  ]);
  assert.equal(valuesCandidates(rel('60-teams', { team: 'a' }), '/quota/cpu'), ['/teams/a/quota/cpu']);
  assert.equal(valuesCandidates(rel('20-ingress', {}), '/tls/secretName'), [
    '/platform/ingress/tls/secretName',
  ]);
});

test('a schema violation points at the user file and line that set the value, with a frame', () => {
  // The texts the values stage read: the frame comes from them, not from the disk.
  const texts = new Map([['common/apps/web.yaml', 'image: {}\nvalues:\n  replicas: many\n']]);
  const origins = new Map<string, Origin>([
    ['/apps/web/values', { file: 'common/apps/web.yaml', line: 3, col: 3, layer: 'common' }],
    ['/apps/web/values/replicas', { file: 'common/apps/web.yaml', line: 3, col: 13, layer: 'common' }],
    ['/apps/web/replicas', { file: 'schemas/values.schema.json', line: 1, col: 1, layer: 'defaults' }],
  ]);
  const p = locateViolation(
    rel('90-apps', { team: 'a', app: 'web' }),
    { pointer: '/replicas', message: 'got string, want integer' },
    origins,
    texts,
  );
  assert.equal(p.where, { file: 'common/apps/web.yaml', line: 3, col: 13 });
  assert.is(p.message, 'got string, want integer (chart value /replicas)');
  assert.is(p.path, 'apps.web.values.replicas');
  assert.match(p.frame ?? '', '> 3 |   replicas: many');
});

test('a *.sops.yaml origin is named but never framed: its text is ciphertext', () => {
  const texts = new Map([
    ['clusters/dev/secrets.sops.yaml', 'apps:\n  web:\n    replicas: ENC[AES256_GCM,data:x]\n'],
  ]);
  const origins = new Map<string, Origin>([
    ['/apps/web/replicas', { file: 'clusters/dev/secrets.sops.yaml', line: 3, col: 15, layer: 'cluster' }],
  ]);
  const p = locateViolation(
    rel('90-apps', { team: 'a', app: 'web' }),
    { pointer: '/replicas', message: 'bad' },
    origins,
    texts,
  );
  assert.equal(p.where, { file: 'clusters/dev/secrets.sops.yaml', line: 3, col: 15 });
  assert.is(p.frame, undefined);
});

test('defaults are never blamed; without a user origin the values path is still named', () => {
  const origins = new Map<string, Origin>([
    ['/apps/web/replicas', { file: 'schemas/values.schema.json', line: 1, col: 1, layer: 'defaults' }],
  ]);
  const p = locateViolation(
    rel('90-apps', { team: 'a', app: 'web' }),
    { pointer: '/replicas', message: 'bad' },
    origins,
    undefined,
  );
  assert.is(p.where, undefined);
  assert.is(p.path, 'apps.web.values.replicas');
});

test.run();
