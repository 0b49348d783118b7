// Signatures checked with node's own crypto (OpenSSL), not a cosign binary: `bundle push` runs in
// the image, which carries no cosign (its ~100 MB would break the image budget), and a far side
// of an air gap has nothing to install it from. Two cosign formats, both with a key pair:
// `cosign sign-blob` writes a base64 signature of the file's bytes; `cosign sign` adds to an image
// a signature manifest whose layers are simple-signing payloads naming the image's digest, each
// signed (annotation dev.cosignproject.cosign/signature). Offline by construction: no network.
import { createHash, createPublicKey, KeyObject, verify } from 'node:crypto';
import { readFile } from 'node:fs/promises';
import { findCoreImage } from './core-layout.js';
import { blobPath, readLayoutIndex } from './layout.js';

export type Verdict = { ok: true } | { ok: false; reason: string };

const signatureAnnotation = 'dev.cosignproject.cosign/signature';

async function publicKey(file: string): Promise<KeyObject | Verdict> {
  try {
    return createPublicKey(await readFile(file, 'utf8'));
  } catch (err) {
    return { ok: false, reason: `${file} is not a public key: ${(err as Error).message}` };
  }
}

/** ECDSA, RSA and Ed25519 keys, as cosign makes and reads them (ECDSA P-256 by default). */
function verifies(key: KeyObject, data: Buffer, signature: Buffer): boolean {
  try {
    return verify(key.asymmetricKeyType === 'ed25519' ? null : 'sha256', data, key, signature);
  } catch {
    return false;
  }
}

/** A `cosign sign-blob` signature (base64 text) of a file, with a public key. */
export async function verifyBlobSignature(
  keyFile: string,
  file: string,
  signatureFile: string,
): Promise<Verdict> {
  const key = await publicKey(keyFile);
  if (!(key instanceof KeyObject)) return key;
  const signature = Buffer.from((await readFile(signatureFile, 'utf8')).trim(), 'base64');
  return verifies(key, await readFile(file), signature)
    ? { ok: true }
    : { ok: false, reason: 'invalid signature when validating ASN.1 encoded signature' };
}

interface SignatureLayer {
  digest: string;
  annotations?: Record<string, string>;
}

/**
 * The image of a `cosign save` layout carries a signature of the key: some payload of its
 * signature manifest verifies and names that image's digest. Every blob read is checked against
 * its digest first.
 */
export async function verifyLayoutSignature(keyFile: string, layout: string): Promise<Verdict> {
  const key = await publicKey(keyFile);
  if (!(key instanceof KeyObject)) return key;
  const image = await findCoreImage(layout);
  const sigs = (await readLayoutIndex(layout)).filter((d) => (d.annotations?.kind ?? '').endsWith('/sigs'));
  if (sigs.length === 0) return { ok: false, reason: 'no signatures found' };
  try {
    for (const entry of sigs) {
      const manifest = (await blob(layout, entry.digest)).toString('utf8');
      const found = await findSignature(key, image.digest, manifest, (d) => blob(layout, d));
      if (found.ok) return found;
    }
    return { ok: false, reason: 'no matching signatures' };
  } catch (err) {
    return { ok: false, reason: (err as Error).message };
  }
}

/**
 * An image in a registry carries a signature of the key: `manifest` is the signature manifest
 * under cosign's tag (sha256-<hex>.sig), `fetch` reads a blob of it from the registry (the
 * self-upgrade's crane). Each blob is checked against its digest here too.
 */
export async function verifyRegistrySignature(
  keyFile: string,
  imageDigest: string,
  manifest: string,
  fetch: (digest: string) => Promise<Buffer>,
): Promise<Verdict> {
  const key = await publicKey(keyFile);
  if (!(key instanceof KeyObject)) return key;
  const checked = async (digest: string) => {
    const data = await fetch(digest);
    const actual = `sha256:${createHash('sha256').update(data).digest('hex')}`;
    if (actual !== digest) throw new Error(`blob ${digest} does not match its content (${actual})`);
    return data;
  };
  try {
    return await findSignature(key, imageDigest, manifest, checked);
  } catch (err) {
    return { ok: false, reason: (err as Error).message };
  }
}

async function findSignature(
  key: KeyObject,
  imageDigest: string,
  manifestText: string,
  blobOf: (digest: string) => Promise<Buffer>,
): Promise<Verdict> {
  const manifest = JSON.parse(manifestText) as { layers?: SignatureLayer[] };
  for (const layer of manifest.layers ?? []) {
    const signature = layer.annotations?.[signatureAnnotation];
    if (!signature) continue;
    const payload = await blobOf(layer.digest);
    if (!verifies(key, payload, Buffer.from(signature, 'base64'))) continue;
    const signed = (JSON.parse(payload.toString('utf8')) as { critical?: { image?: Record<string, string> } })
      .critical?.image?.['docker-manifest-digest'];
    if (signed === imageDigest) return { ok: true };
  }
  return { ok: false, reason: 'no matching signatures' };
}

async function blob(layout: string, digest: string): Promise<Buffer> {
  const data = await readFile(blobPath(layout, digest));
  const actual = `sha256:${createHash('sha256').update(data).digest('hex')}`;
  if (actual !== digest) throw new Error(`blob ${digest} does not match its content (${actual})`);
  return data;
}
