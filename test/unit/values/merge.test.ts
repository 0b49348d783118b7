import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { LineCounter, parseDocument } from 'yaml';
import { toTree } from '../../../core/shared/yaml/tree.js';
import { mergeLayers, type PlacedTree } from '../../../core/values/merge.js';
import type { LayerName } from '../../../core/values/model.js';

function layer(file: string, layerName: LayerName, text: string, placement: string[] = []): PlacedTree {
  const lines = new LineCounter();
  const doc = parseDocument(text, { lineCounter: lines, uniqueKeys: true });
  const t = toTree(doc, lines, file, layerName, placement);
  return { ...t, placement, file, layer: layerName };
}

const where = (m: ReturnType<typeof mergeLayers>, ptr: string) => {
  const o = m.origins.get(ptr);
  return o ? `${o.file}:${o.line}:${o.col} ${o.layer}` : undefined;
};

test('maps merge deeply and a later scalar wins, keeping the origin of the layer that set it', () => {
  const m = mergeLayers([
    layer(
      'common/settings.yaml',
      'common',
      'platform:\n  ingress:\n    className: nginx\n    enabled: true\n',
    ),
    layer('clusters/dev/settings.yaml', 'cluster', 'platform:\n  ingress:\n    className: traefik\n'),
  ]);
  assert.equal(m.value, { platform: { ingress: { className: 'traefik', enabled: true } } });
  assert.is(where(m, '/platform/ingress/className'), 'clusters/dev/settings.yaml:3:16 cluster');
  assert.is(where(m, '/platform/ingress/enabled'), 'common/settings.yaml:4:14 common');
  assert.is(m.origins.get('/platform/ingress/className')?.key?.line, 3);
});

test('arrays are replaced whole, and the origins of the old items go with them', () => {
  const m = mergeLayers([
    layer('common/teams/a.yaml', 'common', 'apps: [web, api, worker]\n', ['teams', 'a']),
    layer('clusters/dev/teams/a.yaml', 'cluster', 'apps:\n  - web\n', ['teams', 'a']),
  ]);
  assert.equal(m.value, { teams: { a: { apps: ['web'] } } });
  assert.is(where(m, '/teams/a/apps/0'), 'clusters/dev/teams/a.yaml:2:5 cluster');
  assert.is(m.origins.has('/teams/a/apps/1'), false);
  assert.is(m.origins.has('/teams/a/apps/2'), false);
});

test('null removes a key with its whole subtree', () => {
  const m = mergeLayers([
    layer(
      'common/settings.yaml',
      'common',
      'apps:\n  web:\n    image: {repository: nginx, tag: "1"}\n  api:\n    replicas: 1\n',
    ),
    layer('environments/prod/settings.yaml', 'environment', 'apps:\n  web: null\n'),
  ]);
  assert.equal(m.value, { apps: { api: { replicas: 1 } } });
  assert.is(m.origins.has('/apps/web'), false);
  assert.is(m.origins.has('/apps/web/image/tag'), false);
});

test('null inside a new subtree removes nothing and leaves no key', () => {
  const m = mergeLayers([
    layer('common/settings.yaml', 'common', 'platform:\n  sso:\n    realm: ~\n    enabled: false\n'),
  ]);
  assert.equal(m.value, { platform: { sso: { enabled: false } } });
});

test('a map replaces a scalar and a scalar replaces a map', () => {
  const m = mergeLayers([
    layer('common/a.yaml', 'common', 'x: 1\ny: {a: 1}\n'),
    layer('common/b.yaml', 'common', 'x: {b: 2}\ny: 3\n'),
  ]);
  assert.equal(m.value, { x: { b: 2 }, y: 3 });
  assert.is(m.origins.has('/y/a'), false);
  assert.is(where(m, '/x/b'), 'common/b.yaml:1:8 common');
});

test('team and app files merge under teams.<team> and apps.<app>; an empty one still declares it', () => {
  const m = mergeLayers([
    layer('common/teams/alpha.yaml', 'common', '', ['teams', 'alpha']),
    layer('common/apps/web.yaml', 'common', '# comment only\n', ['apps', 'web']),
    layer('clusters/dev/teams/alpha.yaml', 'cluster', 'quota:\n  pods: 3\n', ['teams', 'alpha']),
  ]);
  assert.equal(m.value, { teams: { alpha: { quota: { pods: 3 } } }, apps: { web: {} } });
  assert.is(where(m, '/teams/alpha'), 'common/teams/alpha.yaml:1:1 common');
  assert.is(where(m, '/teams/alpha/quota/pods'), 'clusters/dev/teams/alpha.yaml:2:9 cluster');
});

test('the inputs are not modified', () => {
  const a = layer('common/a.yaml', 'common', 'm: {k: [1, 2], v: 1}\n');
  const b = layer('common/b.yaml', 'common', 'm: {k: [3], v: null}\n');
  const before = JSON.stringify([a.value, b.value, [...a.origins], [...b.origins]]);
  const m = mergeLayers([a, b]);
  assert.equal(m.value, { m: { k: [3] } });
  assert.is(JSON.stringify([a.value, b.value, [...a.origins], [...b.origins]]), before);
});

test('a key named __proto__ is data, not a prototype', () => {
  const m = mergeLayers([
    layer('common/a.yaml', 'common', 'apps:\n  web:\n    values:\n      __proto__: {polluted: true}\n'),
  ]);
  assert.is(({} as Record<string, unknown>).polluted, undefined);
  const web = (m.value as { apps: { web: { values: Record<string, unknown> } } }).apps.web;
  assert.equal(Object.keys(web.values), ['__proto__']);
});

test.run();
