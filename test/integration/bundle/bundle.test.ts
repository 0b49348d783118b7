// bundle create → inspect → push against real registries (Debian's docker-registry on
// 127.0.0.1) with real crane and cosign: a mirror that ends up holding every image by digest and
// tag, a second push that sends nothing, tampered bundles refused before anything is tagged, an
// interrupted push that leaves no tag and completes when run again.
import { createHash } from 'node:crypto';
import { existsSync } from 'node:fs';
import { mkdir, readdir, readFile, stat, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { execa } from 'execa';
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { coreVersion } from '../../../core/cli/commands/version.js';
import { coreRoot } from '../../../core/shared/paths.js';
import {
  buildImage,
  type KeyPair,
  keyPair,
  layerTar,
  signedLayout,
  tool,
} from '../../helpers/bundle-images.js';
import { cleanEnv, runCli } from '../../helpers/cli.js';
import { fixture, removeFixture } from '../../helpers/fixture.js';
import { startRegistry, type TestRegistry } from '../../helpers/registry.js';

const registries: TestRegistry[] = [];
let source: TestRegistry;
let work: string;
let values: string;
let keys: KeyPair;
let bundle: string;
let coreDigest: string;
const version = coreVersion();
/** source reference → digest, of every platform image. */
const images = new Map<string, string>();

async function mirror(name: string): Promise<TestRegistry> {
  const r = await startRegistry(name);
  registries.push(r);
  return r;
}

/** The mirror path of a source image: its registry (':' → '_') becomes the first component. */
const mirrorRepo = (ref: string) => ref.replace(/:[^:/]+$/, '').replace(/^([^/]+):(\d+)\//, '$1_$2/');
const tagOf = (ref: string) => /:([^:/]+)$/.exec(ref)?.[1] as string;

async function tags(r: TestRegistry, repository: string): Promise<string[]> {
  const res = await fetch(`http://${r.host}/v2/${repository}/tags/list`);
  return res.ok ? (((await res.json()) as { tags: string[] | null }).tags ?? []) : [];
}

async function allTags(r: TestRegistry): Promise<string[]> {
  const out: string[] = [];
  for (const repo of await r.catalog()) for (const t of await tags(r, repo)) out.push(`${repo}:${t}`);
  return out;
}

const push = (file: string, to: string, extra: string[] = []) =>
  runCli(['bundle', 'push', file, '--to', to, '--values', values, '-o', 'json', ...extra]);

/** Unpacks a bundle, lets `edit` change it, and packs it again as a new file. */
async function tampered(name: string, edit: (dir: string) => Promise<void>): Promise<string> {
  const dir = join(work, name);
  await mkdir(dir);
  await execa('tar', ['-xf', bundle, '-C', dir]);
  await edit(dir);
  const file = join(work, `${name}.tar`);
  await execa('tar', ['-cf', file, '-C', dir, '.']);
  return file;
}

test.before(async () => {
  source = await startRegistry('bundle-source');
  registries.push(source);
  work = await fixture({}, 'runlevel-bundle-test-');
  keys = await keyPair(work);
  const base = await layerTar(work, 'base', 400_000);
  const refs = ['library/alpha:1.0', 'team/beta:2.1', 'gamma:3', 'delta:4', 'epsilon:5'].map(
    (n) => `${source.host}/${n}`,
  );
  for (const [i, ref] of refs.entries()) {
    const own = await layerTar(work, `own${i}`, 1_500_000 + i * 1000);
    // alpha and beta share the base layer: the bundle holds it once.
    const digest = await buildImage(ref, i < 2 ? [base, own] : [own]);
    images.set(ref, digest);
  }
  const coreRef = `${source.host}/runlevel:${version}`;
  coreDigest = await buildImage(coreRef, [await layerTar(work, 'core', 50_000)]);
  await signedLayout(coreRef, coreDigest, keys, join(work, 'core-layout'));
  values = await fixture({
    'runlevel.yaml': `core: "${version}"\nclusters:\n  dev:\n    environment: dev\ncontract: 2\n`,
    'images.lock.yaml': `images:\n  quay.io/other/kept:1.0: sha256:${'a'.repeat(64)}\n`,
  });
  await writeFile(join(values, 'cosign.pub'), await readFile(keys.pub));
  await writeFile(join(work, 'images.txt'), `# the platform's images\n${refs.join('\n')}\n`);
  bundle = join(work, 'platform.bundle.tar');
});

test.after(async () => {
  for (const r of registries) await r.stop();
  if (work) await removeFixture(work);
  if (values) await removeFixture(values);
});

test('create: one signed tar with every image and the core, and images.lock.yaml', async () => {
  const r = await runCli(
    ['bundle', 'create', '--cluster', 'dev', '--values', values, '--images', join(work, 'images.txt')].concat(
      ['--out', bundle, '--key', keys.key, '--core-layout', join(work, 'core-layout')],
    ),
    { env: { COSIGN_PASSWORD: '' } },
  );
  assert.is(r.code, 0, r.stderr);
  assert.ok(existsSync(bundle));
  assert.not.ok(existsSync(`${bundle}.partial`));
  const listed = (await execa('tar', ['-tf', bundle])).stdout.split('\n');
  for (const f of [
    'oci-layout',
    'index.json',
    'runlevel-bundle.json',
    'runlevel-bundle.json.sig',
    'core/index.json',
  ]) {
    assert.ok(listed.includes(f), `${f} in the tar`);
  }
  // The shared base layer is there once.
  const blobs = listed.filter((f) => /^blobs\/sha256\/[0-9a-f]{64}$/.test(f));
  assert.is(new Set(blobs).size, blobs.length);

  const lock = await readFile(join(values, 'images.lock.yaml'), 'utf8');
  const expected = [
    '# written by runlevel bundle create: the digest of every image, commit it with your values',
    'images:',
    ...[...images.keys(), 'quay.io/other/kept:1.0']
      .sort()
      .map((ref) => `  ${ref}: ${images.get(ref) ?? `sha256:${'a'.repeat(64)}`}`),
  ].join('\n');
  assert.is(lock, `${expected}\n`);
});

test("create: the far side's kit beside the bundle, its checksums signed, its signature layout verifiable by cosign without the layers", async () => {
  const kit = join(work, 'platform.bundle.kit');
  const files = [
    'runlevel-docker',
    'cosign',
    `runlevel-${version}.image.tar`,
    'SHA256SUMS',
    'SHA256SUMS.sig',
  ];
  for (const f of files) assert.ok(existsSync(join(kit, f)), `${f} in the kit`);
  const check = await execa('sha256sum', ['--check', '--quiet', 'SHA256SUMS'], { cwd: kit, reject: false });
  assert.is(check.exitCode, 0, check.stdout + check.stderr);
  const sums = await readFile(join(kit, 'SHA256SUMS'), 'utf8');
  const cosignSum = createHash('sha256')
    .update(await readFile(tool('cosign')))
    .digest('hex');
  assert.match(sums, `${cosignSum}  cosign\n`);
  // With the kit's own cosign, offline (as docs/airgap.md says to, on the far side).
  const offline = { SIGSTORE_CT_LOG_PUBLIC_KEY_FILE: '/dev/null', COSIGN_PASSWORD: '' };
  const verified = await execa(
    join(kit, 'cosign'),
    [
      'verify-blob',
      '--key',
      keys.pub,
      '--signature',
      join(kit, 'SHA256SUMS.sig'),
      '--insecure-ignore-tlog=true',
      join(kit, 'SHA256SUMS'),
    ],
    { env: offline, reject: false },
  );
  assert.is(verified.exitCode, 0, verified.stderr);
  const layout = join(kit, `runlevel-${version}.signature`);
  const signature = await execa(
    join(kit, 'cosign'),
    ['verify', '--key', keys.pub, '--local-image', '--insecure-ignore-tlog=true', '--offline', layout],
    { env: offline, reject: false },
  );
  assert.is(signature.exitCode, 0, signature.stderr);
  assert.match(signature.stdout, coreDigest);
  // docker load reads manifest.json: the config and layers of the signed manifest, tagged.
  const listed = (await execa('tar', ['-tf', join(kit, `runlevel-${version}.image.tar`)])).stdout.split('\n');
  assert.ok(listed.includes('manifest.json') && listed.includes('index.json'), listed.slice(0, 5).join(', '));
});

test('inspect: every image with digest, size, source and target; the signature verifies', async () => {
  const r = await runCli(['bundle', 'inspect', bundle, '--public-key', keys.pub, '-o', 'json']);
  assert.is(r.code, 0, r.stderr);
  const out = JSON.parse(r.stdout);
  assert.is(out.format, 'runlevel-bundle/v1');
  assert.is(out.cluster, 'dev');
  assert.equal(out.signature, { verified: true, key: keys.pub });
  assert.is(out.images.length, images.size + 1);
  const core = out.images.find((i: { core: boolean }) => i.core);
  assert.equal([core.source, core.digest], [`runlevel:${version}`, coreDigest]);
  for (const [ref, digest] of images) {
    const i = out.images.find((x: { source: string }) => x.source === ref);
    assert.is(i.digest, digest);
    assert.is(i.target, `${mirrorRepo(ref)}:${tagOf(ref)}`);
    assert.ok(i.size > 1_500_000);
  }
  const text = await runCli(['bundle', 'inspect', bundle]);
  assert.is(text.code, 0, text.stderr);
  assert.match(text.stdout, /total: 6 images, \d/);
  assert.match(text.stdout, /signature: signed \(give --public-key to verify\)/);
});

test('push: every image in an empty mirror by digest and tag, the core with its signature', async () => {
  const m = await mirror('bundle-mirror');
  const r = await push(bundle, m.host);
  assert.is(r.code, 0, r.stderr);
  for (const [ref, digest] of images) {
    assert.is(await m.manifestDigest(mirrorRepo(ref), digest), digest, `${ref} by digest`);
    assert.is(await m.manifestDigest(mirrorRepo(ref), tagOf(ref)), digest, `${ref} by tag`);
  }
  assert.is(await m.manifestDigest('runlevel', version), coreDigest);
  const verify = await execa(
    tool('cosign'),
    ['verify', '--key', keys.pub, '--insecure-ignore-tlog=true', `${m.host}/runlevel@${coreDigest}`],
    { reject: false, env: { SIGSTORE_CT_LOG_PUBLIC_KEY_FILE: '/dev/null' } },
  );
  assert.is(verify.exitCode, 0, verify.stderr);
  const report = JSON.parse(r.stdout);
  assert.ok(report.images.every((i: { state: string }) => i.state === 'pushed'));

  // Pushed again: nothing goes over the wire.
  const again = await push(bundle, m.host);
  assert.is(again.code, 0, again.stderr);
  const second = JSON.parse(again.stdout);
  assert.ok(
    second.images.every(
      (i: { state: string; pushedBytes: number }) => i.state === 'skipped' && i.pushedBytes === 0,
    ),
  );
});

test('a bundle with one changed byte in a blob is refused with that digest; nothing is tagged', async () => {
  let changed = '';
  const file = await tampered('changed-blob', async (dir) => {
    const blobs = join(dir, 'blobs/sha256');
    const names = await readdir(blobs);
    const sizes = await Promise.all(names.map(async (n) => (await stat(join(blobs, n))).size));
    changed = names[sizes.indexOf(Math.max(...sizes))] as string; // a layer
    const bytes = await readFile(join(blobs, changed));
    bytes[1000] = (bytes[1000] as number) ^ 0xff;
    await writeFile(join(blobs, changed), bytes);
  });
  const m = await mirror('bundle-tampered');
  const r = await push(file, m.host);
  assert.is(r.code, 8, r.stderr);
  assert.ok(r.stderr.includes(`sha256:${changed}`), r.stderr);
  assert.equal(await m.catalog(), []);
});

test('a bundle whose index was edited fails its signature; nothing is pushed', async () => {
  const file = await tampered('edited-index', async (dir) => {
    const index = JSON.parse(await readFile(join(dir, 'runlevel-bundle.json'), 'utf8'));
    index.images[1].target = 'evil.example.com/backdoor:1';
    await writeFile(join(dir, 'runlevel-bundle.json'), JSON.stringify(index, null, 2));
  });
  const m = await mirror('bundle-edited');
  const r = await push(file, m.host);
  assert.is(r.code, 8, r.stderr);
  assert.match(r.stderr, /signature does not verify/);
  assert.equal(await m.catalog(), []);
});

test('no public key: refused with a hint, unless --insecure-skip-verify', async () => {
  const m = await mirror('bundle-nokey');
  const empty = await fixture({ 'runlevel.yaml': `core: "${version}"\nclusters: {}\ncontract: 2\n` });
  try {
    const r = await runCli(['bundle', 'push', bundle, '--to', m.host, '--values', empty]);
    assert.is(r.code, 2, r.stderr);
    assert.match(r.stderr, /no public key/);
    assert.equal(await m.catalog(), []);
    const skip = await runCli([
      'bundle',
      'push',
      bundle,
      '--to',
      m.host,
      '--values',
      empty,
      '--insecure-skip-verify',
    ]);
    assert.is(skip.code, 0, skip.stderr);
    assert.match(skip.stderr, /SIGNATURE NOT VERIFIED/);
  } finally {
    await removeFixture(empty);
  }
});

test('a push killed after its first image leaves no tag; run again, it completes', async () => {
  const m = await mirror('bundle-interrupted');
  const child = execa(
    `${coreRoot}/bin/runlevel`,
    ['bundle', 'push', bundle, '--to', m.host, '--values', values],
    { env: { ...cleanEnv(), RUNLEVEL_LOG_FORMAT: 'plain' }, extendEnv: false, reject: false, detached: true },
  );
  // Killed (the whole process group: runlevel and its crane) as soon as the first platform
  // image (after the core) is in the mirror by digest.
  const [first = ''] = [...images.keys()].sort();
  while ((await m.manifestDigest(mirrorRepo(first), images.get(first) as string)) === undefined) {
    await new Promise((r) => setTimeout(r, 10));
  }
  process.kill(-(child.pid as number), 'SIGKILL');
  const killed = await child;
  assert.is(killed.signal, 'SIGKILL', 'the push was still running when killed');
  // Only a signature may be there: cosign's tag names a digest (sha256-<hex>.sig), no release.
  assert.equal(
    (await allTags(m)).filter((t) => !/:sha256-[0-9a-f]{64}\.sig$/.test(t)),
    [],
  );

  const r = await push(bundle, m.host);
  assert.is(r.code, 0, r.stderr);
  const report = JSON.parse(r.stdout);
  const done = report.images.find((i: { source: string }) => i.source === first);
  assert.equal([done.state, done.pushedBytes], ['skipped', 0], 'what was in is not sent again');
  for (const [ref, digest] of images) {
    assert.is(await m.manifestDigest(mirrorRepo(ref), tagOf(ref)), digest, `${ref} by tag`);
  }
});

test.run();
