// promote, pure: the pin moves keep runlevel.yaml as written, and the previous stage's gate holds
// only when its clusters run the promoted core, succeeded, and have soaked.
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import type { GateReading } from '../../../core/rollout/gate.js';
import { movePins, promoteVerdict } from '../../../core/rollout/promote.js';

const file = `# The repo's pin: "0.1.0" everywhere but the canary.
core: "0.1.0"
clusters:
  a:   # the first stage
    environment: dev
    core: "0.2.0"
  b: { environment: staging }
  c:
    environment: staging
    # kept on 0.1.0 while the ticket is open
    core: '0.1.0'
rollout:
  stages:
    - {name: one, clusters: [a], soak: 2m}
    - name: two
      clusters: [b, c]   # both regions
`;

test('the pins of the stage move to the version; every other byte stays', () => {
  const { text, moved } = movePins(file, ['b', 'c'], '0.2.0');
  assert.equal(moved, [
    { cluster: 'b', from: '0.1.0' },
    { cluster: 'c', from: '0.1.0' },
  ]);
  const want = file
    .replace('b: { environment: staging }', 'b: { environment: staging, core: "0.2.0" }')
    .replace("core: '0.1.0'", "core: '0.2.0'");
  assert.is(text, want);
});

test('a block entry without its own pin gets one after its first key, at its indentation', () => {
  const { text } = movePins(
    'core: "0.1.0"\nclusters:\n  a:\n    environment: dev # here\n    kubeconfig: k\n',
    ['a'],
    '0.2.0',
  );
  assert.is(
    text,
    'core: "0.1.0"\nclusters:\n  a:\n    environment: dev # here\n    core: "0.2.0"\n    kubeconfig: k\n',
  );
});

test('a cluster already on the version is not moved, and nothing moved leaves the text as it was', () => {
  const { text, moved } = movePins(file, ['a'], '0.2.0');
  assert.equal(moved, []);
  assert.is(text, file);
});

const now = Date.parse('2026-01-01T12:00:00.000Z');
const reading = (deploys: GateReading['deploys'], r: Partial<GateReading> = {}): GateReading => ({
  cluster: 'a',
  reachable: true,
  releases: [{ runlevel: '90-apps', release: 'x', ready: true, state: 'in-sync', notReady: [] }],
  deploys,
  ...r,
});
const d = (started: string, outcome = 'succeeded', coreVersion = '0.2.0') => ({
  id: 'd1',
  command: 'deploy',
  started,
  outcome,
  coreVersion,
});
const opts = { version: '0.2.0', soakMs: 600_000, now };
const all = { ready: true, noDrift: true, noFailedDeploy: true };
const kinds = (r: GateReading) => promoteVerdict(r, all, opts).reasons.map((x) => x.kind);

test('deployed by the promoted core, succeeded, soaked, healthy: it holds', () => {
  assert.is(promoteVerdict(reading([d('2026-01-01T11:00:00.000Z')]), all, opts).holds, true);
});

test('never deployed, deployed by another core, failed last, or not soaked yet: refused, each said', () => {
  assert.equal(kinds(reading([])), ['not-deployed']);
  assert.equal(kinds(reading([d('2026-01-01T11:00:00.000Z', 'succeeded', '0.1.0')])), ['other-core']);
  assert.equal(kinds(reading([d('2026-01-01T11:00:00.000Z', 'failed')])), ['failed-deploy']);
  const fresh = promoteVerdict(reading([d('2026-01-01T11:58:00.000Z')]), all, opts);
  assert.equal(
    fresh.reasons.map((x) => x.message),
    ['deployed 2026-01-01T11:58:00.000Z: its soak ends in 480s'],
  );
});

test('a running deploy is passed over for the last finished one; unreachable is said alone', () => {
  assert.equal(kinds(reading([d('2026-01-01T11:59:00.000Z', 'running'), d('2026-01-01T11:00:00.000Z')])), []);
  assert.equal(kinds(reading([], { reachable: false, error: 'no answer within 5 s' })), ['unreachable']);
});

test.run();
