// Small real images for bundle tests and benchmarks: layers made from tar files of random bytes,
// built and pushed with crane (two images sharing a layer), a cosign key pair, and a signed
// core image saved as `cosign save --dir` writes it, as `make image` leaves it.
import { randomBytes } from 'node:crypto';
import { mkdir, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { execa } from 'execa';
import { findTool } from '../../core/shared/tools.js';

export function tool(name: 'crane' | 'cosign'): string {
  const path = findTool(name);
  if (!path) throw new Error(`${name} is not installed: run make tools`);
  return path;
}

/** A layer tar holding one file of `bytes` random bytes (incompressible, as image layers are). */
export async function layerTar(dir: string, name: string, bytes: number): Promise<string> {
  const content = join(dir, `${name}.content`);
  await mkdir(content, { recursive: true });
  await writeFile(join(content, name), randomBytes(bytes));
  const tar = join(dir, `${name}.tar`);
  await execa('tar', ['-cf', tar, '-C', content, name]);
  return tar;
}

/** Builds an image from layer tars and pushes it to ref; its digest. */
export async function buildImage(ref: string, layers: string[]): Promise<string> {
  await execa(tool('crane'), ['append', ...layers.flatMap((l) => ['-f', l]), '-t', ref]);
  return (await execa(tool('crane'), ['digest', ref])).stdout.trim();
}

export interface KeyPair {
  key: string;
  pub: string;
}

/** A cosign key pair with an empty password, in dir (prefix names the files). */
export async function keyPair(dir: string, prefix = 'cosign'): Promise<KeyPair> {
  await execa(tool('cosign'), ['generate-key-pair', '--output-key-prefix', prefix], {
    cwd: dir,
    env: { COSIGN_PASSWORD: '' },
  });
  return { key: join(dir, `${prefix}.key`), pub: join(dir, `${prefix}.pub`) };
}

/** Signs ref@digest with the key (no transparency log) and saves image and signature to a layout. */
export async function signedLayout(ref: string, digest: string, keys: KeyPair, dir: string): Promise<string> {
  const repo = ref.replace(/:[^:/]+$/, '');
  await execa(
    tool('cosign'),
    ['sign', '--key', keys.key, '--tlog-upload=false', '--yes', `${repo}@${digest}`],
    { env: { COSIGN_PASSWORD: '' } },
  );
  await execa(tool('cosign'), ['save', '--dir', dir, `${repo}@${digest}`]);
  return dir;
}
