// What `make image` (scripts/image-sign.sh) left beside the image: an SPDX SBOM that lists what is
// really in it, and an OCI layout whose signature and SBOM attestation verify offline with the
// public key, and with no other key. The image tier ran make image before these tests.
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { execa } from 'execa';
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { coreRoot } from '../../core/shared/paths.js';
import { cleanEnv } from '../helpers/cli.js';
import { removeFixture } from '../helpers/fixture.js';
import { docker, image } from './docker.js';
import { cosignVerify, imageJson, layout, otherKeyPair, removeTrustedRoot, version } from './signed.js';

interface SpdxPackage {
  name: string;
  versionInfo?: string;
  externalRefs?: { referenceType: string; referenceLocator: string }[];
}
interface Spdx {
  spdxVersion: string;
  dataLicense: string;
  name: string;
  packages: SpdxPackage[];
}

test.after(removeTrustedRoot);

const sbomPath = join(layout, `runlevel-${version}.spdx.json`);
const purls = (p: SpdxPackage) =>
  (p.externalRefs ?? []).filter((r) => r.referenceType === 'purl').map((r) => r.referenceLocator);

/** A command's output inside the image (as its own user, read-only). */
async function inImage(entrypoint: string, args: string[]): Promise<string> {
  const r = await docker(['run', '--rm', '--read-only', '--entrypoint', entrypoint, image, ...args]);
  assert.is(r.exitCode, 0, String(r.stderr));
  return String(r.stdout).trim();
}

test('image.json names the local image by id and the signed manifest by digest', async () => {
  const j = imageJson();
  assert.is(j.tag, image);
  const id = String((await docker(['image', 'inspect', image, '--format', '{{.Id}}'])).stdout).trim();
  assert.is(j.configDigest, id, 'the layout was made from this very image');
  assert.match(j.digest, /^sha256:[0-9a-f]{64}$/);
  const index = JSON.parse(readFileSync(join(layout, 'index.json'), 'utf8')) as {
    manifests: { digest: string; annotations?: Record<string, string> }[];
  };
  const kinds = index.manifests.map((m) => m.annotations?.kind);
  assert.equal(kinds, [
    'dev.cosignproject.cosign/image',
    'dev.cosignproject.cosign/sigs',
    'dev.cosignproject.cosign/atts',
  ]);
  assert.is(index.manifests[0]?.digest, j.digest);
  // The signed manifest's config is the image id: what the launcher compares.
  const manifest = JSON.parse(readFileSync(join(layout, 'blobs/sha256', j.digest.slice(7)), 'utf8'));
  assert.is(manifest.config.digest, id);
  assert.ok(existsSync(j.publicKey), j.publicKey);
});

test('the SBOM is SPDX JSON and lists a Debian package and an npm package at the versions really in the image', async () => {
  const sbom = JSON.parse(readFileSync(sbomPath, 'utf8')) as Spdx;
  assert.match(sbom.spdxVersion, /^SPDX-2\.\d$/);
  assert.is(sbom.dataLicense, 'CC0-1.0');
  assert.is(sbom.name, 'runlevel');
  assert.ok(sbom.packages.length > 100, `${sbom.packages.length} packages`);

  const tini = (await inImage('dpkg-query', ['-W', 'tini'])).split('\t')[1];
  const deb = sbom.packages.find(
    (p) => p.name === 'tini' && purls(p).some((u) => u.startsWith('pkg:deb/debian/tini@')),
  );
  assert.ok(deb, 'tini, a Debian package, is in the SBOM');
  assert.is(deb.versionInfo, tini);

  const yaml = await inImage('node', [
    '-p',
    'require("/opt/runlevel/node_modules/yaml/package.json").version',
  ]);
  const npm = sbom.packages.find((p) => purls(p).includes(`pkg:npm/yaml@${yaml}`));
  assert.ok(npm, `yaml ${yaml}, an npm package of the core, is in the SBOM`);
  assert.is(npm.versionInfo, yaml);
});

test('the signature and the SBOM attestation verify offline with the public key, and with no other key', async () => {
  const { publicKey, digest } = imageJson();
  const ok = await cosignVerify(['--local-image', layout], publicKey);
  assert.is(ok.code, 0, ok.stderr);
  assert.match(ok.stdout, `"docker-manifest-digest":"${digest}"`);

  const att = await cosignVerify(
    ['--local-image', '--type', 'spdxjson', layout],
    publicKey,
    'verify-attestation',
  );
  assert.is(att.code, 0, att.stderr);
  const envelope = JSON.parse(att.stdout.trim().split('\n')[0] ?? '{}') as { payload: string };
  const statement = JSON.parse(Buffer.from(envelope.payload, 'base64').toString('utf8'));
  assert.is(statement.predicateType, 'https://spdx.dev/Document');
  assert.is(statement.subject[0].digest.sha256, digest.slice(7));
  const sbom = JSON.parse(readFileSync(sbomPath, 'utf8')) as Spdx & { documentNamespace: string };
  assert.is(
    statement.predicate.documentNamespace,
    sbom.documentNamespace,
    'the attested SBOM is the one beside it',
  );

  const other = await otherKeyPair();
  try {
    const wrong = await cosignVerify(['--local-image', layout], other.pub);
    assert.is.not(wrong.code, 0);
    assert.match(wrong.stderr, 'no matching signatures');
  } finally {
    await removeFixture(other.dir);
  }
});

test('a second make image of the same image signs nothing again: the layout is cached by image id and key', async () => {
  const before = readFileSync(join(layout, 'image.json'), 'utf8');
  const r = await execa('bash', [join(coreRoot, 'scripts/image-sign.sh'), image, version], {
    env: cleanEnv(),
    reject: false,
  });
  assert.is(r.exitCode, 0, r.stderr);
  assert.match(r.stderr, `✔ image ${image} is signed (layout ${layout}`);
  assert.not.match(r.stderr, 'signed in');
  assert.is(readFileSync(join(layout, 'image.json'), 'utf8'), before);
});

test.run();
