// A canary pin, committed: a values repo whose dev cluster pins this core and whose canary
// cluster pins a newer one (the same checkout built as core 0.2.0, scripts/image.sh with
// RUNLEVEL_VERSION). The launcher comes out of the image (docker create + docker cp, never
// started); the committed pre-commit hook runs it, which validates dev with this core and canary
// with its own; `deploy --cluster canary` through the launcher runs the newer core (its record
// says so). Both images are verified offline with the repo's cosign.pub before they run.
import { appendFileSync, copyFileSync, mkdirSync, symlinkSync } from 'node:fs';
import { join } from 'node:path';
import { CoreV1Api } from '@kubernetes/client-node';
import { execa } from 'execa';
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { loadKubeConfig } from '../../core/shared/kube.js';
import { coreRoot } from '../../core/shared/paths.js';
import { cleanEnv } from '../helpers/cli.js';
import { fixture, removeFixture } from '../helpers/fixture.js';
import { initValuesRepo, type ValuesRepo } from '../helpers/values-repo.js';
import { docker, image } from './docker.js';
import { imageJson, tool, version } from './signed.js';

const canary = '0.2.0';
const hostKubeconfig = process.env.KUBECONFIG ?? '';
let repo: ValuesRepo;
let bin: string;
let deployed = false;

/** What a teammate's machine has: the launcher and cosign on PATH, no runlevel, no checkout. */
const env = () => ({
  ...cleanEnv(),
  PATH: `${bin}:/usr/bin:/bin`,
  NO_COLOR: '1',
  RUNLEVEL_LOG_FORMAT: 'plain',
  KUBECONFIG: hostKubeconfig,
  GIT_AUTHOR_NAME: 'Test',
  GIT_AUTHOR_EMAIL: 'test@example.com',
  GIT_COMMITTER_NAME: 'Test',
  GIT_COMMITTER_EMAIL: 'test@example.com',
});
const inRepo = (argv: string[]) =>
  execa(argv[0] as string, argv.slice(1), {
    cwd: repo.dir,
    env: env(),
    extendEnv: false,
    reject: false,
    timeout: 900_000,
  });

async function lastDeployCore(): Promise<string | undefined> {
  const api = loadKubeConfig(hostKubeconfig).makeApiClient(CoreV1Api);
  const cm = await api.readNamespacedConfigMap({ name: 'runlevel-state', namespace: 'runlevel-system' });
  return (JSON.parse(cm.data?.['deploys.json'] ?? '[]') as { coreVersion: string }[])[0]?.coreVersion;
}

test.before(async () => {
  assert.ok(image && hostKubeconfig, 'the image tier sets RUNLEVEL_TEST_IMAGE and KUBECONFIG');
  // The newer core: this checkout as 0.2.0, built and signed like make image (cached by its inputs).
  const built = await execa('bash', [join(coreRoot, 'scripts/image.sh')], {
    env: { ...cleanEnv(), RUNLEVEL_VERSION: canary },
    reject: false,
    timeout: 900_000,
  });
  assert.is(built.exitCode, 0, String(built.stderr));
  assert.is(built.stdout.trim(), `runlevel:${canary}`);
  repo = await initValuesRepo('dev');
  copyFileSync(imageJson().publicKey, join(repo.dir, 'cosign.pub'));
  // The launcher out of the image this repo pins: created, copied, removed, never started.
  bin = await fixture({}, 'runlevel-teammate-bin-');
  const cid = String((await docker(['create', image])).stdout).trim();
  const cp = await docker(['cp', `${cid}:/opt/runlevel/bin/runlevel-docker`, join(bin, 'runlevel-docker')]);
  await docker(['rm', cid]);
  assert.is(cp.exitCode, 0, String(cp.stderr));
  // cosign, which a teammate installs (or takes from a bundle's kit) to verify what the launcher runs.
  symlinkSync(tool('cosign'), join(bin, 'cosign'));
});

test.after(async () => {
  if (deployed) {
    await inRepo(['runlevel-docker', 'destroy', '--cluster', 'canary', '--yes', '--purge']);
    // The cluster as the other tests expect it: no record of a newer core (a downgrade otherwise).
    const api = loadKubeConfig(hostKubeconfig).makeApiClient(CoreV1Api);
    await api
      .deleteNamespacedConfigMap({ name: 'runlevel-state', namespace: 'runlevel-system' })
      .catch(() => {});
  }
  await repo?.remove();
  if (bin) await removeFixture(bin);
});

test('a committed canary pin: the hook validates dev with this core and canary with its own, and the commit goes in', async () => {
  appendFileSync(join(repo.dir, 'runlevel.yaml'), `  canary: {environment: dev, core: "${canary}"}\n`);
  mkdirSync(join(repo.dir, 'clusters/canary'), { recursive: true });
  appendFileSync(join(repo.dir, 'clusters/canary/settings.yaml'), '# the canary: the newer core first\n');
  assert.is((await inRepo(['git', 'add', '.'])).exitCode, 0);
  const commit = await inRepo(['git', 'commit', '-m', `canary: core ${canary}`]);
  const stderr = String(commit.stderr);
  assert.is(commit.exitCode, 0, stderr);
  assert.match(stderr, `✔ runlevel-docker: runlevel:${version} verified offline with`);
  assert.match(stderr, 'dev: values valid');
  assert.match(stderr, `► runlevel-docker: canary with its own core ${canary}`);
  assert.match(stderr, `✔ runlevel-docker: runlevel:${canary} verified offline with`);
  assert.match(stderr, 'canary: values valid');
  const log = await inRepo(['git', 'log', '-1', '--format=%s']);
  assert.is(String(log.stdout).trim(), `canary: core ${canary}`);
});

test('deploy --cluster canary through the launcher runs the newer core, verified', async () => {
  const r = await inRepo(['runlevel-docker', 'deploy', '--cluster', 'canary']);
  deployed = true;
  assert.is(r.exitCode, 0, String(r.stderr));
  assert.match(String(r.stderr), `✔ runlevel-docker: runlevel:${canary} verified offline with`);
  assert.is(await lastDeployCore(), canary, 'the deploy record names the core that deployed');
});

test.run();
