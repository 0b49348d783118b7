// Field paths (core/shared/field-path.ts) and ignore rules (core/drift/ignore.ts).
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { ignoreMatcher } from '../../../core/drift/ignore.js';
import { formatPath, parsePath, pathCovers } from '../../../core/shared/field-path.js';

test('paths read back as they are written, quoted keys and list items included', () => {
  for (const text of [
    'spec.replicas',
    'spec.template.spec.containers[name=app].image',
    'metadata.annotations["example.com/owner"]',
    'spec.rules[0].host',
    'spec.*.x[*]',
  ]) {
    const segments = parsePath(text);
    assert.ok(segments, text);
    assert.is(formatPath(segments ?? []), text);
  }
  for (const bad of ['', '.spec', 'spec.', 'spec..x', 'a[', 'a[]', 'a["x]'])
    assert.is(parsePath(bad), undefined, bad);
});

test('a rule covers its field and everything under it; * and [*] match any one segment', () => {
  const p = (t: string) => parsePath(t) ?? [];
  assert.ok(pathCovers(p('spec.replicas'), p('spec.replicas')));
  assert.ok(pathCovers(p('spec.template'), p('spec.template.spec.containers[name=app].image')));
  assert.ok(
    pathCovers(
      p('spec.template.spec.containers[*].image'),
      p('spec.template.spec.containers[name=app].image'),
    ),
  );
  assert.ok(pathCovers(p('metadata.annotations.*'), p('metadata.annotations["a.b/c"]')));
  assert.not.ok(pathCovers(p('spec.replicas'), p('spec.template')));
  assert.not.ok(
    pathCovers(
      p('spec.template.spec.containers[name=web]'),
      p('spec.template.spec.containers[name=app].image'),
    ),
  );
  assert.not.ok(pathCovers(p('spec.replicasX'), p('spec.replicas')));
});

test('ignore rules match by kind, and by name and namespace when they give them', () => {
  const ignored = ignoreMatcher([
    { kind: 'Deployment', path: 'spec.replicas' },
    { kind: 'ConfigMap', name: 'tuned', namespace: 'team-a', path: 'data' },
  ]);
  const deploy = { apiVersion: 'apps/v1', kind: 'Deployment', name: 'web', namespace: 'team-a' };
  const cm = { apiVersion: 'v1', kind: 'ConfigMap', name: 'tuned', namespace: 'team-a' };
  assert.ok(ignored(deploy, 'spec.replicas'));
  assert.not.ok(ignored(deploy, 'spec.template.spec.containers[name=app].image'));
  assert.not.ok(ignored({ ...deploy, kind: 'StatefulSet' }, 'spec.replicas'));
  assert.ok(ignored(cm, 'data.level'));
  assert.not.ok(ignored({ ...cm, namespace: 'team-b' }, 'data.level'));
  assert.not.ok(ignored({ ...cm, name: 'other' }, 'data.level'));
});

test.run();
