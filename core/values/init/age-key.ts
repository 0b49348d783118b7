// A new age X25519 identity made with node:crypto, so `runlevel init` needs no age-keygen binary.
// The key format is age's: bech32 (BIP 173) of the raw 32-byte keys, "age1…" for the recipient
// and "AGE-SECRET-KEY-1…" (upper case) for the identity.
import { generateKeyPairSync } from 'node:crypto';

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
