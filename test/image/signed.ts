// What `make image` signed (scripts/image-sign.sh), where the launcher and the bundle look for it,
// and cosign run the way the launcher runs it: offline, no transparency log, an empty trusted root.
import { readFileSync } from 'node:fs';
import { homedir } from 'node:os';
import { dirname, join } from 'node:path';
import { execa } from 'execa';
import { coreRoot } from '../../core/shared/paths.js';
import { findTool } from '../../core/shared/tools.js';
import { cleanEnv } from '../helpers/cli.js';
import { fixture, removeFixture } from '../helpers/fixture.js';

export const version = JSON.parse(readFileSync(join(coreRoot, 'package.json'), 'utf8')).version as string;
export const signedDir = (cacheHome = process.env.XDG_CACHE_HOME || join(homedir(), '.cache')) =>
  join(cacheHome, 'runlevel/image/signed');
export const layout = join(signedDir(), `runlevel-${version}`);

export interface ImageJson {
  tag: string;
  digest: string;
  configDigest: string;
  publicKey: string;
  publicKeySha256: string;
  sbom: string;
}

export const imageJson = (): ImageJson => JSON.parse(readFileSync(join(layout, 'image.json'), 'utf8'));

export function tool(name: 'cosign' | 'syft' | 'crane'): string {
  const path = findTool(name);
  if (!path) throw new Error(`${name} is not installed: run make tools`);
  return path;
}

/** An empty trusted root: without one cosign asks sigstore's TUF CDN for one, key or no key. */
let trustedRoot: string | undefined;
async function emptyTrustedRoot(): Promise<string> {
  trustedRoot ??= join(
    await fixture(
      { 'trusted_root.json': '{"mediaType":"application/vnd.dev.sigstore.trustedroot+json;version=0.1"}' },
      'runlevel-trust-',
    ),
    'trusted_root.json',
  );
  return trustedRoot;
}

/** Removes the empty trusted root's directory (test.after). */
export async function removeTrustedRoot(): Promise<void> {
  if (trustedRoot) await removeFixture(dirname(trustedRoot));
  trustedRoot = undefined;
}

/** `cosign verify` (or verify-attestation) with KEY of a registry reference or, with --local-image, a layout. */
export async function cosignVerify(
  args: string[],
  key: string,
  sub: 'verify' | 'verify-attestation' = 'verify',
) {
  const root = await emptyTrustedRoot();
  const r = await execa(
    tool('cosign'),
    [sub, '--key', key, '--offline=true', '--insecure-ignore-tlog=true', '--trusted-root', root, ...args],
    { env: cleanEnv(), reject: false, timeout: 120_000 },
  );
  return { code: r.exitCode ?? -1, stdout: String(r.stdout), stderr: String(r.stderr) };
}

/** A key pair nobody signed with: the wrong key. */
export async function otherKeyPair(): Promise<{ dir: string; pub: string }> {
  const dir = await fixture({}, 'runlevel-otherkey-');
  await execa(tool('cosign'), ['generate-key-pair'], {
    cwd: dir,
    env: { ...cleanEnv(), COSIGN_PASSWORD: '' },
  });
  return { dir, pub: join(dir, 'cosign.pub') };
}
