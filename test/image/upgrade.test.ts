// The upgrade rehearsal with real cores: this checkout as the current core (0.1.0, on the host, as
// the repo pins it) and as core 0.3.0 with a contract change (contract-bump.ts), signed, in a real
// mirror (Debian's docker-registry) beside an unsigned 0.5.0; 0.4.0 is missing. The embedded
// cluster is deployed by the old core; the rehearsal must name exactly what 0.3.0 changes (the
// golden report), show no secret, and change nothing: no file, no commit, no helm revision.
// The same report comes out when another core runs the rehearsal (both cores then from the mirror,
// or both local against their signed layouts) and when core 0.3.0 runs it itself (in memory).
// --write then makes one commit (pin moved, values migrated, contract 3) that core 0.3.0 validates.
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { execa } from 'execa';
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { parse } from 'yaml';
import { coreRoot } from '../../core/shared/paths.js';
import { findTool } from '../../core/shared/tools.js';
import type { UpgradeReport } from '../../core/upgrade/types.js';
import type { Value } from '../../core/values/model.js';
import { AgeKeys, decrypt, secretLeaves } from '../../core/values/secrets.js';
import { cleanEnv, runCli } from '../helpers/cli.js';
import { copyBuiltCore } from '../helpers/core-copy.js';
import { fixture, removeFixture } from '../helpers/fixture.js';
import { assertGoldenFile } from '../helpers/golden.js';
import { startRegistry, type TestRegistry } from '../helpers/registry.js';
import { initValuesRepo, type ValuesRepo } from '../helpers/values-repo.js';
import { buildContractBump, contractBump } from './contract-bump.js';
import { docker, dockerRun, image, readableCopies } from './docker.js';
import { signedDir, tool, version } from './signed.js';

const newer = '0.3.0';
const kubeconfig = process.env.KUBECONFIG ?? '';
let repo: ValuesRepo;
let mirror: TestRegistry;
let repository = '';
const made: string[] = [];
const pulled: string[] = [];
let deployed = false;

/** Our own tags beside the image under test: runlevel-upgrade:0.3.0 when it is runlevel-upgrade:0.1.0. */
const newerTag = () => image.replace(/:[^:/]+$/, `:${newer}`);

const git = (...args: string[]) =>
  execa('git', ['-C', repo.dir, '-c', 'user.name=dev', '-c', 'user.email=dev@test', ...args]);

const upgrade = (args: string[]) =>
  runCli(['upgrade', '--values', repo.dir, ...args], {
    env: { RUNLEVEL_IMAGE_REPOSITORY: repository },
    timeoutMs: 900_000,
  });

async function helmRevisions(): Promise<Record<string, number>> {
  const helm = findTool('helm');
  assert.ok(helm, 'helm (make tools)');
  const r = await execa(helm, ['list', '-A', '-o', 'json'], {
    env: { ...cleanEnv(), KUBECONFIG: kubeconfig },
  });
  const list = JSON.parse(String(r.stdout)) as { name: string; namespace: string; revision: string }[];
  return Object.fromEntries(list.map((x) => [`${x.namespace}/${x.name}`, Number(x.revision)]));
}

test.before(async () => {
  assert.ok(image && kubeconfig, 'the image tier sets RUNLEVEL_TEST_IMAGE and KUBECONFIG');
  assert.is(version, '0.1.0', 'this checkout is core 0.1.0; the test moves a cluster to 0.3.0');
  made.push(...(await buildContractBump(newerTag(), newer, {})));
  mirror = await startRegistry('mirror');
  repository = `${mirror.host}/runlevel`;
  // Both signed cores into the mirror, with their signatures (as a bundle push does).
  let meta = { digest: '', publicKey: '' };
  for (const v of [version, newer]) {
    const layout = join(signedDir(), `runlevel-${v}`);
    const load = await execa(tool('cosign'), ['load', '--dir', layout, `${repository}:${v}`], {
      env: cleanEnv(),
      reject: false,
    });
    assert.is(load.exitCode, 0, String(load.stderr));
    meta = JSON.parse(readFileSync(join(layout, 'image.json'), 'utf8')) as typeof meta;
    pulled.push(`${repository}@${meta.digest}`);
  }
  // 0.5.0: in the mirror, never signed (one label more: another digest).
  const mutate = await execa(
    tool('crane'),
    [
      'mutate',
      '--label',
      'dev.runlevel.test=unsigned',
      `${repository}:${newer}`,
      '-t',
      `${repository}:0.5.0`,
    ],
    { env: cleanEnv(), reject: false },
  );
  assert.is(mutate.exitCode, 0, String(mutate.stderr));

  repo = await initValuesRepo('dev');
  await execa('cp', [meta.publicKey, join(repo.dir, 'cosign.pub')]);
  await git('add', '-A');
  await git('commit', '-q', '--no-verify', '-m', 'our signing key');
  // The cluster as the current core deployed it.
  const d = await runCli(['deploy', '--cluster', 'dev', '--values', repo.dir], { timeoutMs: 900_000 });
  deployed = true;
  assert.is(d.code, 0, d.stderr);
});

test.after(async () => {
  if (deployed)
    await runCli(['destroy', '--cluster', 'dev', '--values', repo.dir, '--yes', '--purge'], {
      timeoutMs: 600_000,
    });
  await mirror?.stop();
  await repo?.remove();
  const images = [...pulled, ...made];
  if (images.length > 0) await docker(['rmi', '--force', ...images]);
});

test('the rehearsal names exactly what core 0.3.0 changes, shows no secret, and changes nothing', async () => {
  const head = (await git('rev-parse', 'HEAD')).stdout;
  const pins = readFileSync(join(repo.dir, 'runlevel.yaml'), 'utf8');
  const revisions = await helmRevisions();
  assert.ok(Object.keys(revisions).length > 2, JSON.stringify(revisions));

  const started = Date.now();
  const r = await upgrade(['--to', newer, '--cluster', 'dev']);
  assert.is(r.code, 0, r.stderr);
  // Not an assertion: the figure docs/rollout.md quotes.
  console.log(
    `  upgrade --to ${newer} (image pulled, migrate and render in it, render here, live read): ${((Date.now() - started) / 1000).toFixed(1)}s`,
  );
  assert.match(r.stderr, `${repository}:${newer} verified with ${join(repo.dir, 'cosign.pub')}`);
  assertGoldenFile('upgrade', 'dev-0.1.0-to-0.3.0', r.stdout);
  const secrets = secretLeaves(
    parse(
      await decrypt(
        'clusters/dev/secrets.sops.yaml',
        readFileSync(join(repo.dir, 'clusters/dev/secrets.sops.yaml'), 'utf8'),
        new AgeKeys(repo.dir, undefined),
      ),
    ) as Value,
  ).filter((s) => s.length >= 6);
  assert.ok(secrets.length > 0);
  for (const s of secrets)
    assert.not.ok(r.stdout.includes(s) || r.stderr.includes(s), 'a secret in the output');

  // Nothing changed: the same commit, a clean tree, the same pins, the same helm revisions.
  assert.is((await git('rev-parse', 'HEAD')).stdout, head);
  assert.is((await git('status', '--porcelain')).stdout, '');
  assert.is(readFileSync(join(repo.dir, 'runlevel.yaml'), 'utf8'), pins);
  assert.equal(await helmRevisions(), revisions, 'the cluster is unchanged');

  // -o json: the same findings as a document.
  const j = await upgrade(['--to', newer, '--cluster', 'dev', '-o', 'json']);
  assert.is(j.code, 0, j.stderr);
  const report = JSON.parse(j.stdout) as UpgradeReport;
  assert.equal(
    [report.from, report.to],
    [
      { core: version, contract: 2 },
      { core: newer, contract: 3 },
    ],
  );
  assert.equal(report.migrations, [{ to: 3, title: 'apps.<app>.replicas is now replicaCount' }]);
  assert.ok(report.newCore.verified);
  for (const c of [report.render, report.live]) {
    assert.equal(
      c.releases.map((x) => [x.release, x.action, x.objects.changed.map((o) => `${o.kind}/${o.name}`)]),
      [['demo-hello', 'upgrade', ['Deployment/demo-hello']]],
    );
    assert.equal(c.objects, { added: 0, removed: 0, changed: 1 });
  }
});

/** This checkout copied as core VERSION (with `files` over it), for runCli's `core`. */
async function coreAs(v: string, files: Record<string, string> = {}): Promise<string> {
  const root = await fixture({}, 'runlevel-core-as-');
  await copyBuiltCore(root, ['helmfile.d', 'charts']);
  const pkg = JSON.parse(readFileSync(join(coreRoot, 'package.json'), 'utf8'));
  writeFileSync(join(root, 'package.json'), JSON.stringify({ ...pkg, version: v }));
  for (const [path, text] of Object.entries(files)) writeFileSync(join(root, path), text);
  return root;
}

test('the same report whoever runs it: a third core (both cores from the mirror, or both local), or core 0.3.0 itself (it migrates and renders in memory)', async () => {
  // Without a registry host in the repository, the local images, checked against their signed layouts.
  const local = image.replace(/:[^:/]+$/, '');
  for (const run of [
    { as: '0.2.0', files: {}, from: repository, verified: [version, newer] },
    { as: newer, files: await contractBump(), from: repository, verified: [version] },
    { as: '0.2.0', files: {}, from: local, verified: [version, newer] },
  ]) {
    const core = await coreAs(run.as, run.files);
    try {
      const r = await runCli(['upgrade', '--values', repo.dir, '--to', newer, '--cluster', 'dev'], {
        core,
        env: { RUNLEVEL_IMAGE_REPOSITORY: run.from },
        timeoutMs: 900_000,
      });
      assert.is(r.code, 0, r.stderr);
      for (const v of run.verified) assert.match(r.stderr, `${run.from}:${v} verified with`);
      if (run.as === newer)
        assert.not.match(r.stderr, `${run.from}:${newer}`, 'core 0.3.0 is the one running');
      assertGoldenFile('upgrade', 'dev-0.1.0-to-0.3.0', r.stdout);
    } finally {
      await removeFixture(core);
    }
  }
});

test('a core not in the mirror, an unsigned one, an unknown cluster, a version that is none: what, where, what to do', async () => {
  const missing = await upgrade(['--to', '0.4.0', '--cluster', 'dev']);
  assert.is(missing.code, 7, missing.stderr);
  assert.match(missing.stderr, `core 0.4.0 is not in the mirror: ${repository}:0.4.0 was not found`);
  const unsigned = await upgrade(['--to', '0.5.0', '--cluster', 'dev']);
  assert.is(unsigned.code, 8, unsigned.stderr);
  assert.match(unsigned.stderr, `does not verify with ${join(repo.dir, 'cosign.pub')}`);
  const typo = await upgrade(['--to', newer, '--cluster', 'deb']);
  assert.is(typo.code, 2, typo.stderr);
  assert.match(typo.stderr, 'cluster "deb" is not listed in runlevel.yaml');
  assert.match(typo.stderr, 'did you mean "dev"?');
  const none = await upgrade(['--to', 'latest', '--cluster', 'dev']);
  assert.is(none.code, 2, none.stderr);
  assert.match(none.stderr, '--to latest is not a core release');
  for (const x of [missing, unsigned, typo, none]) assert.not.match(x.stderr, /\n\s+at /, 'no stack trace');
});

test('--write: refused on a dirty tree; then one commit with the pin moved and the values migrated, which core 0.3.0 validates', async () => {
  const settings = join(repo.dir, 'common/settings.yaml');
  const text = readFileSync(settings, 'utf8');
  await execa('sh', ['-c', `echo '# mine' >> '${settings}'`]);
  const dirty = await upgrade(['--to', newer, '--cluster', 'dev', '--write']);
  assert.is(dirty.code, 2, dirty.stderr);
  assert.match(dirty.stderr, 'uncommitted changes (common/settings.yaml)');
  await execa('sh', ['-c', `printf '%s' "$0" > '${settings}'`, text]);

  const head = (await git('rev-parse', 'HEAD')).stdout.trim();
  const revisions = await helmRevisions();
  const w = await upgrade(['--to', newer, '--cluster', 'dev', '--write']);
  assert.is(w.code, 0, w.stderr);
  assert.is((await git('rev-parse', 'HEAD~1')).stdout.trim(), head, 'one commit');
  assert.is((await git('status', '--porcelain')).stdout, '');
  const files = (await git('show', '--name-only', '--format=%s', 'HEAD')).stdout.trim().split('\n');
  assert.is(files[0], `runlevel upgrade: cluster dev to core ${newer} (values contract 2 → 3)`);
  assert.ok(files.includes('runlevel.yaml') && files.includes('common/apps/hello.yaml'), files.join(' '));
  const pins = parse(readFileSync(join(repo.dir, 'runlevel.yaml'), 'utf8'));
  assert.is(pins.clusters.dev.core, newer);
  assert.is(pins.contract, 3);
  const hello = readFileSync(join(repo.dir, 'common/apps/hello.yaml'), 'utf8');
  assert.match(hello, /^replicaCount: 1$/m);
  assert.match(hello, /^# App "hello"/m, 'comments kept');
  assert.equal(await helmRevisions(), revisions, 'writing the move deploys nothing');

  // The repo validates with the core it is now pinned to.
  const copies = await readableCopies(repo.dir, kubeconfig);
  try {
    const v = await dockerRun(['validate', '--cluster', 'dev'], {
      image: newerTag(),
      mounts: { [copies.values]: '/values', [copies.ageKey]: '/keys/age.key' },
      env: { RUNLEVEL_AGE_KEY_FILE: '/keys/age.key' },
    });
    assert.is(v.code, 0, v.stderr);
  } finally {
    await removeFixture(copies.dir);
  }
});

test.run();
