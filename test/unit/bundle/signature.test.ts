// Signatures as cosign writes them, checked with node's crypto: a blob signature (base64 of an
// ASN.1 ECDSA signature) and an image's signature manifest in a `cosign save` layout, whose
// payload must verify AND name the image's digest. The real cosign's output is checked in the
// integration tier (test/integration/bundle/bundle.test.ts signs with it).
import { createHash, generateKeyPairSync, sign } from 'node:crypto';
import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import {
  verifyBlobSignature,
  verifyLayoutSignature,
  verifyRegistrySignature,
} from '../../../core/bundle/signature.js';
import { fixture, removeFixture } from '../../helpers/fixture.js';

const keys = () => {
  const { publicKey, privateKey } = generateKeyPairSync('ec', { namedCurve: 'P-256' });
  return { pub: publicKey.export({ type: 'spki', format: 'pem' }) as string, privateKey };
};
const ours = keys();
const other = keys();
const digestOf = (b: Buffer | string) => `sha256:${createHash('sha256').update(b).digest('hex')}`;

let dir: string;
test.before(async () => {
  dir = await fixture({ 'cosign.pub': ours.pub, 'other.pub': other.pub, 'index.json': '{"a":1}\n' });
});
test.after(async () => removeFixture(dir));

test('a blob signature verifies with its key, not with another, and not once the file changed', async () => {
  const file = join(dir, 'index.json');
  writeFileSync(
    join(dir, 'index.json.sig'),
    sign('sha256', Buffer.from('{"a":1}\n'), ours.privateKey).toString('base64'),
  );
  assert.equal(await verifyBlobSignature(join(dir, 'cosign.pub'), file, `${file}.sig`), { ok: true });
  assert.is((await verifyBlobSignature(join(dir, 'other.pub'), file, `${file}.sig`)).ok, false);
  writeFileSync(join(dir, 'changed.json'), '{"a":2}\n');
  assert.is(
    (await verifyBlobSignature(join(dir, 'cosign.pub'), join(dir, 'changed.json'), `${file}.sig`)).ok,
    false,
  );
});

/** A `cosign save` layout: an image entry and a signature manifest whose payload names `signedDigest`. */
function layout(name: string, signedDigest: (image: string) => string, key = ours.privateKey): string {
  const root = join(dir, name);
  const blobs = join(root, 'blobs/sha256');
  mkdirSync(blobs, { recursive: true });
  const put = (b: string) => {
    writeFileSync(join(blobs, digestOf(b).slice(7)), b);
    return { digest: digestOf(b), size: Buffer.byteLength(b) };
  };
  const image = put('{"schemaVersion":2,"config":{},"layers":[]}');
  const payload = JSON.stringify({
    critical: { image: { 'docker-manifest-digest': signedDigest(image.digest) } },
  });
  const p = put(payload);
  const signature = sign('sha256', Buffer.from(payload), key).toString('base64');
  const sigs = put(
    JSON.stringify({
      schemaVersion: 2,
      layers: [{ ...p, annotations: { 'dev.cosignproject.cosign/signature': signature } }],
    }),
  );
  const kind = (k: string) => ({ kind: `dev.cosignproject.cosign/${k}` });
  const manifests = [
    { mediaType: 'application/vnd.oci.image.manifest.v1+json', ...image, annotations: kind('image') },
    { mediaType: 'application/vnd.oci.image.manifest.v1+json', ...sigs, annotations: kind('sigs') },
  ];
  writeFileSync(join(root, 'index.json'), JSON.stringify({ schemaVersion: 2, manifests }));
  writeFileSync(join(root, 'oci-layout'), '{"imageLayoutVersion":"1.0.0"}');
  return root;
}

test("an image's signature verifies only with its key and only for that image's digest", async () => {
  const pub = join(dir, 'cosign.pub');
  assert.equal(
    await verifyLayoutSignature(
      pub,
      layout('good', (d) => d),
    ),
    { ok: true },
  );
  assert.equal(
    await verifyLayoutSignature(
      join(dir, 'other.pub'),
      layout('good2', (d) => d),
    ),
    {
      ok: false,
      reason: 'no matching signatures',
    },
  );
  const elsewhere = layout('another-image', () => `sha256:${'0'.repeat(64)}`);
  assert.equal(await verifyLayoutSignature(pub, elsewhere), { ok: false, reason: 'no matching signatures' });
  assert.equal(
    await verifyLayoutSignature(
      pub,
      layout('signed-by-other', (d) => d, other.privateKey),
    ),
    {
      ok: false,
      reason: 'no matching signatures',
    },
  );
});

test("in a registry (the agent's self-upgrade): the signature manifest under cosign's tag, its blobs fetched and digest-checked", async () => {
  const pub = join(dir, 'cosign.pub');
  const root = layout('registry', (d) => d);
  const index = JSON.parse(readFileSync(join(root, 'index.json'), 'utf8')) as {
    manifests: { digest: string; annotations: { kind: string } }[];
  };
  const digestOfKind = (k: string) =>
    index.manifests.find((m) => m.annotations.kind.endsWith(k))?.digest ?? '';
  const blob = (d: string) => readFileSync(join(root, 'blobs/sha256', d.slice(7)));
  const manifest = blob(digestOfKind('/sigs')).toString('utf8');
  const fetch = async (d: string) => blob(d);
  const image = digestOfKind('/image');
  assert.equal(await verifyRegistrySignature(pub, image, manifest, fetch), { ok: true });
  // Another image (the unsigned one of the same tag), another key, a blob not what it claims.
  assert.equal(await verifyRegistrySignature(pub, `sha256:${'1'.repeat(64)}`, manifest, fetch), {
    ok: false,
    reason: 'no matching signatures',
  });
  assert.is((await verifyRegistrySignature(join(dir, 'other.pub'), image, manifest, fetch)).ok, false);
  const tampered = await verifyRegistrySignature(pub, image, manifest, async () => Buffer.from('{}'));
  assert.is(tampered.ok, false);
  assert.match(tampered.ok ? '' : tampered.reason, /does not match its content/);
});

test.run();
