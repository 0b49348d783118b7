// make test: every tier in order, each in its own uvu process, then one line CI can read:
// "N passed, N failed". A tier that cannot run counts as failed; nothing is skipped.
import { existsSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { execa } from 'execa';
import { clusterDown, clusterUp } from '../core/cluster/index.js';
import { coreRoot } from '../core/shared/paths.js';
import { findTool } from '../core/shared/tools.js';
import { cleanEnv } from './helpers/cli.js';
import { leftoverReport, leftoversRemoved, tierTmpdir } from './helpers/tier-tmp.js';

interface TierResult {
  tier: string;
  passed: number;
  failed: number;
  seconds: number;
}

// `node dist/test/run.js unit` runs one tier; `--match deploy/deploy` only the test files whose
// path matches (a regular expression), for a quick loop on one area.
const args = process.argv.slice(2);
const matchAt = args.indexOf('--match');
const match = matchAt >= 0 ? args.splice(matchAt, 2)[1] : undefined;
const only = args;
const tiers = ['unit', 'integration', 'policies', 'e2e', 'browser', 'image'].filter(
  (t) => only.length === 0 || only.includes(t),
);

async function uvuTier(tier: string, env: Record<string, string> = {}): Promise<TierResult> {
  const started = Date.now();
  const dir = join(coreRoot, 'dist/test', tier);
  if (!existsSync(dir)) return crashed(tier, started, `no compiled tests in ${dir}`);
  // A private TMPDIR per tier, empty at the end or the tier fails (test/helpers/tier-tmp.ts).
  const tmp = await tierTmpdir(tier);
  let result: TierResult | undefined;
  try {
    result = await uvu(tier, dir, { ...env, TMPDIR: tmp }, started);
  } finally {
    const left = await leftoversRemoved(tmp);
    if (left.length > 0) {
      console.error(leftoverReport(tier, left));
      // One more failed test, named after the tier, whatever else failed.
      if (result) result.failed += 1;
    }
  }
  return result;
}

async function uvu(
  tier: string,
  dir: string,
  env: Record<string, string>,
  started: number,
): Promise<TierResult> {
  const r = await execa(
    process.execPath,
    [
      // removes the test process's own scratch directory on exit, as the CLI does its own
      '--import',
      join(coreRoot, 'dist/test/helpers/tier-process.js'),
      join(coreRoot, 'node_modules/uvu/bin.js'),
      dir,
      `${match ? `(${match}).*` : ''}\\.test\\.js$`,
    ],
    {
      env: { ...cleanEnv(), ...env },
      extendEnv: false,
      reject: false,
      stdout: 'pipe',
      stderr: 'inherit',
    },
  );
  process.stdout.write(r.stdout);
  const total = Number(/Total:\s+(\d+)/.exec(r.stdout)?.[1] ?? Number.NaN);
  const passed = Number(/Passed:\s+(\d+)/.exec(r.stdout)?.[1] ?? Number.NaN);
  if (Number.isNaN(total) || Number.isNaN(passed)) return crashed(tier, started, `uvu exited ${r.exitCode}`);
  // Skipped tests count as failed: nothing skips here. A non-zero exit with nothing failed still fails.
  const failed = total - passed || (r.exitCode === 0 ? 0 : 1);
  return { tier, passed, failed, seconds: (Date.now() - started) / 1000 };
}

/** `opa test` over policies/: each Rego test is a test of ours. */
async function policyTier(): Promise<TierResult> {
  const started = Date.now();
  const opa = findTool('opa');
  if (!opa) return crashed('policies', started, 'opa is not installed (make tools)');
  const r = await execa(opa, ['test', join(coreRoot, 'policies'), '-v'], { reject: false });
  process.stdout.write(r.stdout);
  const passed = (r.stdout.match(/: PASS \(/g) ?? []).length;
  const failed = (r.stdout.match(/: (FAIL|ERROR) \(/g) ?? []).length;
  if (r.exitCode !== 0 && failed === 0) return crashed('policies', started, r.stderr || r.stdout);
  if (passed + failed === 0) return crashed('policies', started, 'no Rego tests found in policies/');
  return { tier: 'policies', passed, failed, seconds: (Date.now() - started) / 1000 };
}

/**
 * The e2e and image tiers share one real local cluster, started by the first of them and stopped
 * by PID once every tier has run.
 */
const clusterStateDir = join(coreRoot, '.runlevel/test-cluster');
let sharedCluster: Promise<{ kubeconfig: string }> | undefined;

function localCluster(): Promise<{ kubeconfig: string }> {
  sharedCluster ??= (async () => {
    await clusterDown({ stateDir: clusterStateDir, purge: true });
    return clusterUp({ stateDir: clusterStateDir });
  })();
  return sharedCluster;
}

async function clusterTier(tier: string, env: Record<string, string> = {}): Promise<TierResult> {
  const started = Date.now();
  let cluster: { kubeconfig: string };
  try {
    cluster = await localCluster();
  } catch (err) {
    return crashed(tier, started, `local cluster did not start: ${(err as Error).message}`);
  }
  return uvuTier(tier, {
    KUBECONFIG: cluster.kubeconfig,
    RUNLEVEL_KUBECONFIG: cluster.kubeconfig,
    RUNLEVEL_TEST_STATE_DIR: clusterStateDir,
    ...env,
  });
}

/**
 * The image tier: the project's Docker engine (started here when none answers, stopped by the PID
 * it printed), `make image` (cached by its inputs), then `docker run` of the image against the
 * shared local cluster.
 */
async function imageTier(): Promise<TierResult> {
  const started = Date.now();
  const script = (name: string) => join(coreRoot, 'scripts', name);
  const up = await execa('bash', [script('engine.sh'), 'up'], { reject: false, stderr: 'inherit' });
  if (up.exitCode !== 0) return crashed('image', started, 'the Docker engine did not start');
  const enginePid = up.stdout.trim();
  try {
    const host = (await execa('bash', [script('engine.sh'), 'host'])).stdout.trim();
    const build = await execa('bash', [script('image.sh')], {
      env: { DOCKER_HOST: host },
      reject: false,
      stderr: 'inherit',
    });
    if (build.exitCode !== 0) return crashed('image', started, 'make image failed');
    return await clusterTier('image', { DOCKER_HOST: host, RUNLEVEL_TEST_IMAGE: build.stdout.trim() });
  } finally {
    if (enginePid)
      await execa('bash', [script('engine.sh'), 'down', enginePid], { reject: false, stdio: 'inherit' });
  }
}

/** The status pages in Debian's chromium (scripts/test-packages.sh installs it), on the shared cluster. */
async function browserTier(): Promise<TierResult> {
  if (!existsSync('/usr/bin/chromium')) {
    return crashed(
      'browser',
      Date.now(),
      "Debian's chromium is not installed (make test installs it: scripts/test-packages.sh)",
    );
  }
  return clusterTier('browser');
}

function crashed(tier: string, started: number, why: string): TierResult {
  console.error(`✗ tier ${tier} could not run: ${why}`);
  return { tier, passed: 0, failed: 1, seconds: (Date.now() - started) / 1000 };
}

/**
 * Everything run through bin/runlevel runs dist/bundle (scripts/bundle.sh), linked from dist/core:
 * after a bare `npx tsc` it is older than the code under test, so it is linked again first.
 */
async function bundleUpToDate(): Promise<void> {
  const bundle = join(coreRoot, 'dist/bundle/main.js');
  const compiled = join(coreRoot, 'dist/core/cli/main.js');
  if (existsSync(bundle) && statSync(bundle).mtimeMs >= statSync(compiled).mtimeMs) return;
  console.log('► dist/bundle is older than dist/core: bundling (scripts/bundle.sh)');
  await execa('bash', [join(coreRoot, 'scripts/bundle.sh')], { stdio: 'inherit' });
}

await bundleUpToDate();
const results: TierResult[] = [];
try {
  for (const tier of tiers) {
    console.log(`\n► tier ${tier}`);
    if (tier === 'policies') results.push(await policyTier());
    else if (tier === 'e2e') results.push(await clusterTier('e2e'));
    else if (tier === 'browser') results.push(await browserTier());
    else if (tier === 'image') results.push(await imageTier());
    else results.push(await uvuTier(tier));
  }
} finally {
  if (sharedCluster) await clusterDown({ stateDir: clusterStateDir, purge: true });
}
console.log('');
for (const r of results) {
  console.log(`  ${r.tier.padEnd(12)} ${r.passed} passed, ${r.failed} failed  (${r.seconds.toFixed(1)}s)`);
}
const passed = results.reduce((n, r) => n + r.passed, 0);
const failed = results.reduce((n, r) => n + r.failed, 0);
console.log(`${passed} passed, ${failed} failed`);
process.exitCode = failed === 0 ? 0 : 1;
