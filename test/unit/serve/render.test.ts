// render(status) → html (core/serve/render.ts): pure, escaped, every state in words with its
// icon class, a drifted release with its objects and fields, a failure with where it happened.
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { ReleaseState } from '../../../core/deploy/plan.js';
import { applyFilter, parseFilter } from '../../../core/serve/filter.js';
import { renderCluster, renderFleet } from '../../../core/serve/render.js';
import type { FleetStatus } from '../../../core/serve/types.js';
import { sampleStatus } from '../../helpers/status-sample.js';

const drifted = sampleStatus({
  teams: 2,
  states: {
    'team0-web': ReleaseState.Drifted,
    'team1-api': ReleaseState.Failed,
    keycloak: ReleaseState.Missing,
  },
  drift: {
    'team0-web': {
      objects: [
        {
          apiVersion: 'apps/v1',
          kind: 'Deployment',
          name: 'team0-web',
          namespace: 'team0',
          missing: false,
          changes: [{ path: 'spec.replicas', live: '5', want: '2' }],
        },
      ],
    },
  },
  deploys: [
    {
      id: 'd2',
      command: 'deploy',
      cluster: 'dev',
      coreVersion: '0.1.0',
      valuesCommit: 'bbbbbbbbbbbb',
      started: '2026-12-07T17:01:00.000Z',
      ended: '2026-12-07T17:02:05.000Z',
      outcome: 'failed',
      failure: { runlevel: '50-apps', release: 'team1-api', step: 'readiness', message: 'timed out' },
      releases: [],
    },
  ],
});

test('the same status renders the same bytes (pure: no clock, no I/O)', () => {
  assert.is(
    renderCluster(drifted, { refresh: 30 }),
    renderCluster(structuredClone(drifted), { refresh: 30 }),
  );
});

test('a drifted release shows its state in words, its object and the field with both values', () => {
  const html = renderCluster(drifted, { refresh: 30 });
  const row = html.slice(
    html.indexOf('id="r-team0-team0-web"'),
    html.indexOf('</tr>', html.indexOf('id="r-team0-team0-web"')),
  );
  assert.match(row, 'class="state s-drifted">drifted<');
  assert.match(row, 'Deployment/team0/team0-web');
  assert.match(row, '<code>spec.replicas</code>: 5 (live), 2 (values)');
  assert.match(html, '<h1>dev <span class="state s-failed">1 failed</span></h1>');
  assert.match(html, '>not deployed<');
});

test('a failed deploy says where it failed: runlevel, release, step and message', () => {
  const html = renderCluster(drifted, { refresh: 0 });
  assert.match(
    html,
    'runlevel <strong>50-apps</strong>, release <strong>team1-api</strong> (readiness): timed out',
  );
  assert.match(html, '1 min 5 s');
  assert.not.match(html, 'http-equiv="refresh"');
});

test('every value is escaped: a release name cannot inject markup', () => {
  const s = sampleStatus({ teams: 0 });
  const first = s.runlevels[0];
  if (!first?.releases[0]) throw new Error('sample without releases');
  first.releases.push({ ...first.releases[0], release: '<script>alert(1)</script>' });
  const html = renderCluster(s, { refresh: 0 });
  assert.not.match(html, '<script>alert(1)');
  assert.match(html, '&lt;script&gt;alert(1)&lt;/script&gt;');
});

test('no external asset: the stylesheet and links are the server’s own', () => {
  const html = renderCluster(drifted, { refresh: 30 });
  assert.not.match(html, /(src|href)="(https?:)?\/\//);
  assert.match(html, '<link rel="stylesheet" href="/static/style.css">');
});

test('the filter keeps the releases asked for, the form shows it, the JSON link carries it', () => {
  const { filter, problems } = parseFilter(new URLSearchParams('state=drifted&namespace=team0'));
  assert.equal(problems, []);
  const shown = applyFilter(drifted, filter);
  assert.equal(
    shown.runlevels.flatMap((rl) => rl.releases.map((r) => r.release)),
    ['team0-web'],
  );
  assert.is(shown.counts.total, drifted.counts.total, 'the counts stay whole');
  const html = renderCluster(shown, { refresh: 0, filter });
  assert.match(html, '<option value="drifted" selected>');
  assert.match(html, 'href="/api/v1/status?namespace&#x3D;team0&amp;state&#x3D;drifted"');
  assert.not.match(html, 'id="r-team1-team1-api"');
});

test('an unknown state is said on the page, not an error page', () => {
  const { filter, problems } = parseFilter(new URLSearchParams('state=<b>x'));
  assert.equal(filter, {});
  const html = renderCluster(drifted, { refresh: 0, filter, problems });
  assert.match(html, 'unknown state &quot;&lt;b&gt;x&quot;');
});

test('a status whose read failed says so and is never shown in sync', () => {
  const s = { ...sampleStatus({ teams: 0 }), runlevels: [], counts: { ...drifted.counts, total: 0 } };
  const html = renderCluster({ ...s, error: 'connect ECONNREFUSED 127.0.0.1:6443' }, { refresh: 0 });
  assert.match(html, 'Not refreshed:</strong> connect ECONNREFUSED');
  assert.match(html, 'status unknown');
});

test('the fleet page: one row per cluster, an unreachable one said in words and never healthy', () => {
  const fleet: FleetStatus = {
    kind: 'fleet',
    refreshed: '2026-12-07T17:00:00.000Z',
    clusters: [
      {
        cluster: 'dev',
        environment: 'dev',
        reachable: true,
        health: 'healthy',
        core: { pinned: '0.1.0', deployed: '0.1.0' },
        commit: 'a1b2c3d4e5f6',
        counts: drifted.counts,
        lastDeploy: { started: '2026-12-07T16:59:00.000Z', outcome: 'succeeded' },
        tookMs: 900,
      },
      {
        cluster: 'gone',
        environment: 'prod',
        reachable: false,
        health: 'unreachable',
        error: 'no answer within 5 s',
        core: { pinned: '0.1.0' },
        tookMs: 5000,
      },
    ],
  };
  const html = renderFleet(fleet, { refresh: 30 });
  assert.match(html, 'Fleet <span class="state s-unreachable">1 of 2 unreachable</span>');
  const gone = html.slice(html.indexOf('id="c-gone"'));
  assert.match(gone, '<span class="state s-unreachable">unreachable</span><br><small>no answer within 5 s');
  assert.match(gone, 'unknown');
});

test.run();
