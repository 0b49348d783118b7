// A values repo written for contract 0 (test/fixtures/values-v0), migrated by `runlevel migrate`,
// then deployed to a local cluster of this file's own: the renamed key reaches the cluster (each
// app's HorizontalPodAutoscaler aims at the target its values file set under the old name).
import { execFileSync } from 'node:child_process';
import { cp, mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { AutoscalingV2Api } from '@kubernetes/client-node';
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { clusterDown, clusterUp } from '../../../core/cluster/index.js';
import { loadKubeConfig } from '../../../core/shared/kube.js';
import { coreRoot } from '../../../core/shared/paths.js';
import { runCli } from '../../helpers/cli.js';
import { fixture, removeFixture } from '../../helpers/fixture.js';

let stateDir = '';
let kubeconfig = '';
let parent = '';
let repo = '';
const key = join(coreRoot, 'test/fixtures/values/large.age.key');

const git = (...args: string[]) => execFileSync('git', ['-C', repo, ...args], { encoding: 'utf8' }).trim();
const cli = (...args: string[]) =>
  runCli([...args, '--values', repo, '--kubeconfig', kubeconfig], {
    env: { RUNLEVEL_AGE_KEY_FILE: key },
    timeoutMs: 600_000,
  });

test.before(async () => {
  stateDir = await fixture({}, 'runlevel-migrate-');
  kubeconfig = (await clusterUp({ stateDir })).kubeconfig;
  parent = await mkdtemp(join(tmpdir(), 'migrate-e2e-'));
  repo = join(parent, 'values-v0');
  await cp(join(coreRoot, 'test/fixtures/values-v0'), repo, { recursive: true });
  git('init', '-q', '-b', 'main');
  git('add', '-A');
  git('-c', 'user.name=t', '-c', 'user.email=t@example.com', 'commit', '-qm', 'contract 0');
});

test.after(async () => {
  if (stateDir) await clusterDown({ stateDir, purge: true });
  if (stateDir) await removeFixture(stateDir);
  if (parent) await rm(parent, { recursive: true, force: true });
});

test('deploy refuses the old repo; migrated, it deploys and the renamed targets reach the cluster', async () => {
  const refused = await cli('deploy', '--cluster', 'dev');
  assert.is(refused.code, 2, refused.stderr);
  assert.match(refused.stderr, 'run `runlevel migrate`');

  const m = await cli('migrate');
  assert.is(m.code, 0, m.stderr);
  const d = await cli('deploy', '--cluster', 'dev');
  assert.is(d.code, 0, d.stderr);

  const hpas = await loadKubeConfig(kubeconfig)
    .makeApiClient(AutoscalingV2Api)
    .listNamespacedHorizontalPodAutoscaler({ namespace: 'team-shop' });
  const targets = Object.fromEntries(
    hpas.items.map((h) => [h.metadata?.name, h.spec?.metrics?.[0]?.resource?.target?.averageUtilization]),
  );
  assert.equal(targets, { 'shop-api': 60, 'shop-web': 75 });
});

test.run();
