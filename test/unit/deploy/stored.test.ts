// Reading helm's stored releases, and when a deploy may use them instead of rendering again.
import { gzipSync } from 'node:zlib';
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { releaseDigest } from '../../../core/deploy/plan.js';
import type { ClusterRecord } from '../../../core/deploy/record.js';
import { decodeHelmRelease, reuseDeployed, type StoredRelease } from '../../../core/deploy/stored.js';

// What the API returns for a helm release Secret: base64 of helm's base64 of gzipped JSON.
const asSecretData = (release: unknown) =>
  Buffer.from(gzipSync(JSON.stringify(release)).toString('base64')).toString('base64');

test('a helm release Secret decodes to its name, revision, manifest and hooks', () => {
  const r = decodeHelmRelease(
    asSecretData({
      name: 'web',
      namespace: 'team-a',
      version: 3,
      manifest: '---\n# Source: app/templates/a.yaml\nkind: A\n',
      hooks: [{ path: 'app/templates/job.yaml', manifest: 'kind: Job\n' }],
    }),
  );
  assert.is(r?.name, 'web');
  assert.is(r?.version, 3);
  assert.match(r?.manifest ?? '', 'kind: A');
  assert.is(r?.hooks?.[0]?.path, 'app/templates/job.yaml');
});

test('a helm release Secret carries the values of its revision (the deployed side of a secret rotation)', () => {
  const r = decodeHelmRelease(
    asSecretData({ name: 'web', namespace: 'team-a', version: 2, config: { password: 'old-pw' } }),
  );
  assert.equal(r?.config, { password: 'old-pw' });
});

test('data helm did not write decodes to nothing, so the release is rendered instead', () => {
  assert.is(decodeHelmRelease(Buffer.from('not a release').toString('base64')), undefined);
  assert.is(decodeHelmRelease(asSecretData({ hello: 'world' })), undefined);
});

test('stored manifests stand in only for the recorded digest at the recorded revision', () => {
  const digest = releaseDigest({ inputDigest: 'sha256:in' });
  const record: ClusterRecord = {
    deploys: [],
    releases: {
      'team-a/web': {
        runlevel: '90-apps',
        name: 'web',
        namespace: 'team-a',
        chart: 'app-1.0.0',
        labels: {},
        digest,
        revision: 3,
        deployedAt: '',
      },
    },
  };
  const stored = new Map<string, StoredRelease>([['team-a/web', { revision: 3, manifest: 'kind: A' }]]);
  const web = { namespace: 'team-a', name: 'web' };
  assert.is(reuseDeployed(record, stored)(web, 'sha256:in'), 'kind: A');
  assert.is(reuseDeployed(record, stored)(web, 'sha256:changed'), undefined, 'values or chart changed');
  const byHand = new Map([['team-a/web', { revision: 4, manifest: 'kind: B' }]]);
  assert.is(reuseDeployed(record, byHand)(web, 'sha256:in'), undefined, 'a revision made by hand');
  assert.is(reuseDeployed(record, new Map())(web, 'sha256:in'), undefined, 'helm has no such release');
  assert.is(reuseDeployed(record, stored)({ namespace: 'team-b', name: 'web' }, 'sha256:in'), undefined);
});

test.run();
