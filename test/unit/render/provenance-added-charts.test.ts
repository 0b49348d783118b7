// A chart schema error of an added chart points at charts.<release> in the values repo, in a
// runlevel a platform team added and in one of the core's alike.
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import type { PlannedRelease } from '../../../core/render/helmfile.js';
import { locateViolation, valuesCandidates } from '../../../core/render/provenance.js';
import type { Origin } from '../../../core/values/index.js';

const rel = (runlevel: string, name: string) => ({ runlevel, name, labels: {} }) as unknown as PlannedRelease;
const violation = { pointer: '/replicaCount', message: 'got string, want integer' };

test("an added runlevel's release reads charts.<release>; the core's runlevels 00 and 10 read platform", () => {
  assert.equal(valuesCandidates(rel('50-hello-web', 'hello-web'), '/replicaCount'), [
    '/charts/hello-web/replicaCount',
  ]);
  assert.equal(valuesCandidates(rel('00-init', 'platform-init'), '/ca'), ['/platform/ca']);
  assert.equal(valuesCandidates(rel('10-policies', 'policy-templates'), '/x'), ['/platform/x']);
});

test('the violation is located at the file and line that set charts.<release>.<key>', () => {
  const texts = new Map([['clusters/dev/charts/hello-web.yaml', 'replicaCount: many\n']]);
  const origins = new Map<string, Origin>([
    ['/charts/hello-web', { file: 'clusters/dev/charts/hello-web.yaml', line: 1, col: 1, layer: 'cluster' }],
    [
      '/charts/hello-web/replicaCount',
      { file: 'clusters/dev/charts/hello-web.yaml', line: 1, col: 15, layer: 'cluster' },
    ],
  ]);
  const p = locateViolation(rel('50-hello-web', 'hello-web'), violation, origins, texts);
  assert.equal(p.where, { file: 'clusters/dev/charts/hello-web.yaml', line: 1, col: 15 });
  assert.is(p.path, 'charts.hello-web.replicaCount');
  assert.match(p.frame ?? '', '> 1 | replicaCount: many');
  // The same release added to a runlevel of the core: charts.<release> is looked at first.
  const inCore = locateViolation(rel('20-ingress', 'hello-web'), violation, origins, texts);
  assert.is(inCore.path, 'charts.hello-web.replicaCount');
  assert.equal(inCore.where, { file: 'clusters/dev/charts/hello-web.yaml', line: 1, col: 15 });
});

test('without values for it, the path named is still charts.<release>', () => {
  const p = locateViolation(rel('50-hello-web', 'hello-web'), violation, new Map(), new Map());
  assert.is(p.path, 'charts.hello-web.replicaCount');
  assert.is(p.where, undefined);
});

test.run();
