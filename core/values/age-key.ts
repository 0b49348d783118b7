// age X25519 keys with node:crypto, so neither `runlevel init` nor the key lookup needs age-keygen:
// a new identity, and the public recipient of an existing one (what `age-keygen -y` prints). The
// format is age's: bech32 (BIP 173) of the raw 32-byte keys, "age1…" for the recipient and
// "AGE-SECRET-KEY-1…" (upper case) for the identity. X25519 is all the pinned sops reads besides
// plugin identities (sops/age keysource: "AGE-SECRET-KEY-1" or "AGE-PLUGIN-"), so node:crypto's
// X25519 (OpenSSL's) covers it; an npm age library would add a dependency for one scalar product.
import { createPrivateKey, createPublicKey, generateKeyPairSync } from 'node:crypto';

export interface AgeIdentity {
  recipient: string; // public: what files are encrypted to
  identity: string; // secret: what decrypts them
}

export function generateAgeIdentity(): AgeIdentity {
  const { privateKey, publicKey } = generateKeyPairSync('x25519');
  const d = Buffer.from(String(privateKey.export({ format: 'jwk' }).d), 'base64url');
  const x = Buffer.from(String(publicKey.export({ format: 'jwk' }).x), 'base64url');
  return { recipient: bech32('age', x), identity: bech32('age-secret-key-', d).toUpperCase() };
}

/** The key file as age-keygen writes it. */
export function ageKeyFileText(id: AgeIdentity, created = new Date()): string {
  return `# created: ${created.toISOString().replace(/\.\d+Z$/, 'Z')}\n# public key: ${id.recipient}\n${id.identity}\n`;
}

/** The recipient of an identity line, read back from a key file's "# public key:" comment. */
export function recipientOf(keyFileText: string): string | undefined {
  return /^# public key: (age1[a-z0-9]+)$/m.exec(keyFileText)?.[1];
}

/**
 * The recipient of one identity line ("AGE-SECRET-KEY-1…"): the X25519 public key of its scalar.
 * Undefined for anything else (a plugin identity, a damaged key): bech32's checksum is verified.
 */
export function recipientOfIdentity(identity: string): string | undefined {
  const decoded = bech32Decode(identity.trim());
  if (decoded?.hrp !== 'age-secret-key-' || decoded.data.length !== 32) return undefined;
  // PKCS#8 of an X25519 private key (RFC 8410): a fixed 16-byte prefix, then the 32-byte scalar.
  const der = Buffer.concat([Buffer.from('302e020100300506032b656e04220420', 'hex'), decoded.data]);
  const pub = createPublicKey(createPrivateKey({ key: der, format: 'der', type: 'pkcs8' }));
  return bech32('age', Buffer.from(String(pub.export({ format: 'jwk' }).x), 'base64url'));
}

const charset = 'qpzry9x8gf2tvdw0s3jn54khce6mua7l';
const generators = [0x3b6a57b2, 0x26508e6d, 0x1ea119fa, 0x3d4233dd, 0x2a1462b3];

function polymod(values: number[]): number {
  let chk = 1;
  for (const v of values) {
    const top = chk >>> 25;
    chk = ((chk & 0x1ffffff) << 5) ^ v;
    for (let i = 0; i < 5; i++) if ((top >>> i) & 1) chk ^= generators[i] as number;
  }
  return chk >>> 0;
}

function hrpExpand(hrp: string): number[] {
  const codes = [...hrp].map((c) => c.charCodeAt(0));
  return [...codes.map((c) => c >> 5), 0, ...codes.map((c) => c & 31)];
}

/** Regroup 8-bit bytes into 5-bit words, zero-padding the last one. */
function toWords(bytes: Uint8Array): number[] {
  const words: number[] = [];
  let acc = 0;
  let bits = 0;
  for (const b of bytes) {
    acc = (acc << 8) | b;
    bits += 8;
    while (bits >= 5) {
      bits -= 5;
      words.push((acc >> bits) & 31);
    }
  }
  if (bits > 0) words.push((acc << (5 - bits)) & 31);
  return words;
}

export function bech32(hrp: string, data: Uint8Array): string {
  const words = toWords(data);
  const mod = polymod([...hrpExpand(hrp), ...words, 0, 0, 0, 0, 0, 0]) ^ 1;
  const checksum = Array.from({ length: 6 }, (_, i) => (mod >>> (5 * (5 - i))) & 31);
  return `${hrp}1${[...words, ...checksum].map((w) => charset[w]).join('')}`;
}

/** bech32 back to bytes; undefined unless the checksum holds and the padding is clean. */
export function bech32Decode(text: string): { hrp: string; data: Uint8Array } | undefined {
  const s = text.toLowerCase();
  if (text !== s && text !== text.toUpperCase()) return undefined; // mixed case is invalid
  const sep = s.lastIndexOf('1');
  if (sep < 1 || sep + 7 > s.length) return undefined;
  const hrp = s.slice(0, sep);
  const words: number[] = [];
  for (const c of s.slice(sep + 1)) {
    const w = charset.indexOf(c);
    if (w < 0) return undefined;
    words.push(w);
  }
  if (polymod([...hrpExpand(hrp), ...words]) !== 1) return undefined;
  const bytes: number[] = [];
  let acc = 0;
  let bits = 0;
  for (const w of words.slice(0, -6)) {
    acc = ((acc << 5) | w) & 0xfff;
    bits += 5;
    if (bits >= 8) {
      bits -= 8;
      bytes.push((acc >> bits) & 0xff);
    }
  }
  if (bits >= 5 || (acc & ((1 << bits) - 1)) !== 0) return undefined;
  return { hrp, data: Uint8Array.from(bytes) };
}
