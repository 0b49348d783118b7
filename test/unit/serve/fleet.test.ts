// A fleet row from a cluster's status (core/serve/fleet.ts), the fleet table, and --listen.
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { formatFleet } from '../../../core/cli/commands/fleet.js';
import { parseListen } from '../../../core/cli/commands/serve.js';
import { ReleaseState } from '../../../core/deploy/plan.js';
import { fleetRowOf } from '../../../core/serve/fleet.js';
import { sampleStatus } from '../../helpers/status-sample.js';

test('healthy only when all is in sync, ready and the last deploy succeeded', () => {
  assert.is(fleetRowOf(sampleStatus({ teams: 1 })).health, 'healthy');
  assert.is(
    fleetRowOf(sampleStatus({ teams: 1, states: { 'team0-web': ReleaseState.Drifted } })).health,
    'degraded',
  );
  const failed = sampleStatus({ teams: 1 });
  failed.deploys = [
    {
      id: 'x',
      command: 'deploy',
      started: '2026-12-07T17:00:00.000Z',
      outcome: 'failed',
      coreVersion: '0.1.0',
      valuesCommit: 'c',
      failure: { runlevel: '20-ingress', release: 'ingress', step: 'readiness', message: 'not ready' },
    },
  ];
  const row = fleetRowOf(failed);
  assert.is(row.health, 'degraded');
  assert.is(row.lastDeploy?.failedAt, '20-ingress/ingress');
});

test('the table: one line per cluster, an unreachable one with why, the summary last', () => {
  const out = formatFleet([
    { cluster: 'dev', environment: 'dev', ...fleetRowOf(sampleStatus({ teams: 1 })), tookMs: 1 },
    {
      cluster: 'gone',
      environment: 'prod',
      reachable: false,
      health: 'unreachable',
      error: 'no answer within 5 s',
      core: { pinned: '0.1.0' },
      tookMs: 5000,
    },
  ]);
  assert.match(
    out,
    /^dev\s+dev\s+✔ healthy\s+0\.1\.0\s+0\.1\.0\s+a1b2c3d4e5f6\s+10\s+0\s+0\s+succeeded 2026-12-07 16:59$/m,
  );
  assert.match(out, /^gone\s+prod\s+✗ unreachable\s+0\.1\.0\s+-/m);
  assert.match(out, /gone: no answer within 5 s/);
  assert.match(out, /1 of 2 unreachable$/);
});

test('--listen: host and port, IPv6 in brackets; anything else is a usage error', () => {
  assert.equal(parseListen('127.0.0.1:8080'), { host: '127.0.0.1', port: 8080 });
  assert.equal(parseListen('[::1]:0'), { host: '::1', port: 0 });
  assert.equal(parseListen(':9000'), { host: '127.0.0.1', port: 9000 });
  for (const bad of ['8080', 'host:99999', 'a:b', ''])
    assert.throws(() => parseListen(bad), /is not HOST:PORT/);
});

test.run();
