// bin/runlevel-docker verifies the image before anything runs, offline, with the values repo's
// cosign.pub: the local image against make image's signed layout (in a network namespace with no
// network at all), the mirror's image by digest over a real registry (every connect traced), and
// it refuses (exit 8) an unsigned image, a rebuilt one and a wrong key, saying what to do.
import { copyFileSync, mkdirSync, readFileSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { execa } from 'execa';
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { ExitCode } from '../../core/shared/exit-codes.js';
import { coreRoot } from '../../core/shared/paths.js';
import { cleanEnv } from '../helpers/cli.js';
import { parseConnects } from '../helpers/connects.js';
import { fixture, removeFixture } from '../helpers/fixture.js';
import { assertGoldenFile } from '../helpers/golden.js';
import { startRegistry, type TestRegistry } from '../helpers/registry.js';
import { initValuesRepo, type ValuesRepo } from '../helpers/values-repo.js';
import { docker, image } from './docker.js';
import { imageJson, layout, otherKeyPair, signedDir, tool, version } from './signed.js';

// A release-form pin (a moving tag would be refused before any image is looked at).
const unsignedPin = '0.0.99';
let repo: ValuesRepo;
let scratch: string;
let mirror: TestRegistry | undefined;
const mirrorRefs: string[] = [];

interface Run {
  code: number;
  stdout: string;
  stderr: string;
}

/** The launcher from the values repo, as a user runs it; `wrap` puts unshare or strace in front. */
async function launcher(args: string[], env: Record<string, string> = {}, wrap: string[] = []): Promise<Run> {
  const argv = [...wrap, join(coreRoot, 'bin/runlevel-docker'), ...args];
  const r = await execa(argv[0] as string, argv.slice(1), {
    cwd: repo.dir,
    env: { ...cleanEnv(), NO_COLOR: '1', RUNLEVEL_LOG_FORMAT: 'plain', ...env },
    extendEnv: false,
    reject: false,
    timeout: 300_000,
  });
  return { code: r.exitCode ?? -1, stdout: String(r.stdout), stderr: String(r.stderr) };
}

const pin = (core: string) =>
  repo.edit('runlevel.yaml', (doc) => {
    doc.core = core;
  });
const trustKey = (pub: string) => copyFileSync(pub, join(repo.dir, 'cosign.pub'));

test.before(async () => {
  assert.ok(image, 'the image tier sets RUNLEVEL_TEST_IMAGE');
  repo = await initValuesRepo('dev');
  scratch = await fixture({}, 'runlevel-launcher-');
  // An image rebuilt from the signed one without signing: one label more, another id.
  const build = await execa('docker', ['build', '--quiet', '--tag', `runlevel:${unsignedPin}`, '-'], {
    env: { ...cleanEnv(), DOCKER_BUILDKIT: '0' },
    input: `FROM ${image}\nLABEL dev.runlevel.test=unsigned\n`,
    reject: false,
  });
  assert.is(build.exitCode, 0, String(build.stderr));
});

test.after(async () => {
  await mirror?.stop();
  await docker(['rmi', `runlevel:${unsignedPin}`, ...mirrorRefs]);
  await repo?.remove();
  if (scratch) await removeFixture(scratch);
});

test('no cosign.pub: the image runs as before, with one line saying it is not verified and how to verify it', async () => {
  rmSync(join(repo.dir, 'cosign.pub'), { force: true });
  const r = await launcher(['validate', '--cluster', 'dev']);
  assert.is(r.code, 0, r.stderr);
  assert.match(r.stderr, `⚠ runlevel-docker: ${image} runs unverified: the values repo has no cosign.pub`);
  assert.match(r.stderr, 'dev: values valid');
});

test('the local image verifies against its signed layout, with no network at all (unshare -n)', async () => {
  const { publicKey, digest } = imageJson();
  trustKey(publicKey);
  const r = await launcher(['validate', '--cluster', 'dev'], {}, ['unshare', '--net']);
  assert.is(r.code, 0, r.stderr);
  assert.match(
    r.stderr,
    `✔ runlevel-docker: ${image} verified offline with ${join(repo.dir, 'cosign.pub')} (${digest})`,
  );
  assert.match(r.stderr, 'dev: values valid');
  assert.not.match(r.stderr, 'WARNING', "cosign's warnings stay out of the user's way");
});

test('an image with no signed layout is refused with exit 8, what to do included', async () => {
  trustKey(imageJson().publicKey);
  await pin(unsignedPin);
  try {
    const r = await launcher(['validate', '--cluster', 'dev']);
    assert.is(r.code, ExitCode.verifyFailed, r.stderr);
    assert.match(
      r.stderr,
      `✗ runlevel-docker: image runlevel:${unsignedPin} is not signed: no signed layout at`,
    );
    assert.match(r.stderr, `hint: make image in a checkout of runlevel ${unsignedPin} builds and signs it`);
    assert.not.match(r.stderr, 'values valid');
  } finally {
    await pin(version);
  }
});

test('an image rebuilt without signing is refused although a valid signed layout sits at its pin', async () => {
  trustKey(imageJson().publicKey);
  // A cache of the test's own whose layout for the unsigned pin is the real, validly signed one.
  const cache = join(scratch, 'cache');
  mkdirSync(signedDir(cache), { recursive: true });
  symlinkSync(layout, join(signedDir(cache), `runlevel-${unsignedPin}`));
  await pin(unsignedPin);
  try {
    const r = await launcher(['validate', '--cluster', 'dev'], { XDG_CACHE_HOME: cache });
    assert.is(r.code, ExitCode.verifyFailed, r.stderr);
    assert.match(r.stderr, `✗ runlevel-docker: image runlevel:${unsignedPin} (sha256:`);
    assert.match(r.stderr, `is not the image that was signed (${imageJson().configDigest}`);
    assert.match(r.stderr, 'it was rebuilt or re-tagged without signing');
    assert.not.match(r.stderr, 'values valid');
  } finally {
    await pin(version);
  }
});

test("a cosign.pub of another key is refused with exit 8 and cosign's reason", async () => {
  const other = await otherKeyPair();
  try {
    trustKey(other.pub);
    const r = await launcher(['validate', '--cluster', 'dev']);
    assert.is(r.code, ExitCode.verifyFailed, r.stderr);
    assert.match(r.stderr, `✗ runlevel-docker: the signature of ${image} in ${layout} does not verify with`);
    assert.match(r.stderr, 'no matching signatures');
    assert.match(r.stderr, 'hint: sign it with the key whose public half is');
    assert.not.match(r.stderr, 'values valid');
  } finally {
    await removeFixture(other.dir);
  }
});

test('behind a mirror: the pinned tag verifies by digest over a real registry, the digest runs, and cosign connects to nothing else', async () => {
  const { publicKey, digest } = imageJson();
  trustKey(publicKey);
  mirror = await startRegistry('mirror');
  const repository = `${mirror.host}/runlevel`;
  // The signed layout into the mirror, signature and attestation with it (the bundle does this too).
  const load = await execa(tool('cosign'), ['load', '--dir', layout, `${repository}:${version}`], {
    env: cleanEnv(),
    reject: false,
  });
  assert.is(load.exitCode, 0, String(load.stderr));
  assert.is(await mirror.manifestDigest('runlevel', version), digest);
  mirrorRefs.push(`${repository}@${digest}`);

  const trace = join(scratch, 'connect.strace');
  const r = await launcher(['validate', '--cluster', 'dev'], { RUNLEVEL_IMAGE_REPOSITORY: repository }, [
    'strace',
    '-f',
    '-e',
    'trace=connect',
    '-o',
    trace,
  ]);
  assert.is(r.code, 0, r.stderr);
  assert.match(r.stderr, `✔ runlevel-docker: ${repository}:${version} verified offline with`);
  assert.match(r.stderr, `(${digest})`);
  assert.match(r.stderr, 'dev: values valid');
  // Pulled by digest: the mirror's image is now here under that digest.
  const pulled = await docker(['image', 'inspect', `${repository}@${digest}`, '--format', '{{.Id}}']);
  assert.is(String(pulled.stdout).trim(), imageJson().configDigest);

  // Every connect(2) of the launcher, cosign and the docker client: the mirror, and Unix sockets.
  const connects = parseConnects(readFileSync(trace, 'utf8'));
  console.log(
    `    connects of the verified mirror run: ${connects.map((c) => `${c.family} ${c.address}`).join(', ')}`,
  );
  const tcp = connects.filter((c) => c.family !== 'unix').map((c) => `inet ${c.address}`);
  assert.equal(tcp, [`inet ${mirror.host}`], 'no address but the mirror: no Rekor, no TUF, no DNS');
});

test('behind a mirror: an unsigned image and a wrong key are refused with exit 8', async () => {
  assert.ok(mirror, 'the mirror of the previous test');
  const repository = `${mirror.host}/runlevel`;
  const tag = `${repository}:${unsignedPin}`;
  assert.is((await docker(['tag', `runlevel:${unsignedPin}`, tag])).exitCode, 0);
  const push = await docker(['push', tag]);
  assert.is(push.exitCode, 0, String(push.stderr));
  mirrorRefs.push(tag);
  trustKey(imageJson().publicKey);
  await pin(unsignedPin);
  try {
    const unsigned = await launcher(['validate', '--cluster', 'dev'], {
      RUNLEVEL_IMAGE_REPOSITORY: repository,
    });
    assert.is(unsigned.code, ExitCode.verifyFailed, unsigned.stderr);
    assert.match(unsigned.stderr, `✗ runlevel-docker: image ${tag} does not verify with`);
    assert.match(unsigned.stderr, 'no signatures found');
    assert.match(unsigned.stderr, 'hint: push the signed image into the mirror');
  } finally {
    await pin(version);
  }
  const other = await otherKeyPair();
  try {
    trustKey(other.pub);
    const wrong = await launcher(['validate', '--cluster', 'dev'], { RUNLEVEL_IMAGE_REPOSITORY: repository });
    assert.is(wrong.code, ExitCode.verifyFailed, wrong.stderr);
    assert.match(wrong.stderr, 'no matching signatures');
  } finally {
    await removeFixture(other.dir);
  }
});

test('the pinned core not in Docker is a pin problem: exit 7, naming the pin and how to get that core', async () => {
  rmSync(join(repo.dir, 'cosign.pub'), { force: true });
  await pin('0.0.42');
  try {
    const r = await launcher(['deploy', '--cluster', 'dev']);
    assert.is(r.code, ExitCode.pinMismatch, r.stderr);
    const golden = `$ runlevel-docker deploy --cluster dev\nexit ${r.code}\n${r.stderr}\n`;
    assertGoldenFile('launcher', 'not-here', golden.replaceAll(repo.dir, '<repo>'));
  } finally {
    await pin(version);
  }
});

test('behind a mirror: a pinned tag the mirror does not have is a pin problem (exit 7), not a failed verification', async () => {
  assert.ok(mirror, 'the mirror of an earlier test');
  trustKey(imageJson().publicKey);
  await pin('0.0.43');
  try {
    const r = await launcher(['validate', '--cluster', 'dev'], {
      RUNLEVEL_IMAGE_REPOSITORY: `${mirror.host}/runlevel`,
    });
    assert.is(r.code, ExitCode.pinMismatch, r.stderr);
    assert.match(r.stderr, `✗ core 0.0.43 (pinned for the repo's clusters at runlevel.yaml:`);
    assert.match(r.stderr, `is not in the mirror: ${mirror.host} has no ${mirror.host}/runlevel:0.0.43`);
    assert.match(r.stderr, 'hint: push it into the mirror: runlevel-docker bundle push BUNDLE');
  } finally {
    await pin(version);
  }
});

test('a cosign.pub with no cosign to check it is refused, never skipped', async () => {
  trustKey(imageJson().publicKey);
  // A copy of the launcher outside the checkout (no .tools/bin beside it) and a PATH without cosign.
  const bin = join(scratch, 'bin');
  mkdirSync(bin, { recursive: true });
  writeFileSync(join(bin, 'runlevel-docker'), readFileSync(join(coreRoot, 'bin/runlevel-docker')), {
    mode: 0o755,
  });
  symlinkSync((await execa('which', ['docker'])).stdout.trim(), join(bin, 'docker'));
  const r = await execa(join(bin, 'runlevel-docker'), ['validate', '--cluster', 'dev'], {
    cwd: repo.dir,
    env: { ...cleanEnv(), PATH: `${bin}:/usr/bin:/bin` },
    extendEnv: false,
    reject: false,
  });
  assert.is(r.exitCode, ExitCode.verifyFailed, String(r.stderr));
  assert.match(String(r.stderr), 'cosign is not installed, and');
  assert.match(String(r.stderr), 'asks that the image be verified before it runs');
});

test.run();
