// `docker run` of the built image the way users run it: read-only, as 65532, on the host's network
// (the local cluster listens on 127.0.0.1), with the values repo and a kubeconfig mounted read-only.
import { chmodSync, copyFileSync, mkdirSync, readdirSync, statSync, writeFileSync } from 'node:fs';
import { homedir } from 'node:os';
import { basename, join } from 'node:path';
import { execa, type ResultPromise } from 'execa';
import { run } from '../../core/shared/exec.js';
import { cleanEnv } from '../helpers/cli.js';
import { fixture } from '../helpers/fixture.js';

export const image = process.env.RUNLEVEL_TEST_IMAGE ?? '';

export interface DockerResult {
  code: number;
  stdout: string;
  stderr: string;
}

export interface RunOptions {
  /** host path → container path (read-only unless `writable` lists the container path). */
  mounts?: Record<string, string>;
  writable?: string[];
  env?: Record<string, string>;
  name?: string;
  timeoutMs?: number;
  /** Another image than the one under test (a reference by digest, say). */
  image?: string;
  /** In the background (docker run -d), kept after it exits so its code and log can be read. */
  detach?: boolean;
}

export function dockerArgs(args: string[], opts: RunOptions = {}): string[] {
  const argv = [
    'run',
    opts.detach ? '--detach' : '--rm',
    '--read-only',
    '--network',
    'host',
    '--user',
    '65532:65532',
  ];
  if (opts.name) argv.push('--name', opts.name);
  for (const [host, inside] of Object.entries(opts.mounts ?? {})) {
    argv.push('--volume', `${host}:${inside}${opts.writable?.includes(inside) ? '' : ':ro'}`);
  }
  for (const [k, v] of Object.entries({ NO_COLOR: '1', RUNLEVEL_LOG_FORMAT: 'plain', ...opts.env })) {
    argv.push('--env', `${k}=${v}`);
  }
  return [...argv, opts.image ?? image, ...args];
}

export function docker(args: string[], timeoutMs = 120_000): ResultPromise<{ reject: false }> {
  return execa('docker', args, { env: cleanEnv(), reject: false, timeout: timeoutMs }) as ResultPromise<{
    reject: false;
  }>;
}

export async function dockerRun(args: string[], opts: RunOptions = {}): Promise<DockerResult> {
  const r = await docker(dockerArgs(args, opts), opts.timeoutMs ?? 300_000);
  return { code: r.exitCode ?? -1, stdout: String(r.stdout), stderr: String(r.stderr) };
}

/**
 * What the container may read as 65532: the values repo (made by `runlevel init` as root, 0700),
 * a kubeconfig with its certificates inlined (the local cluster's names them by host path) and the
 * age key, copied into a world-readable directory of the test's own.
 */
export async function readableCopies(
  valuesDir: string,
  kubeconfig: string,
): Promise<{ dir: string; values: string; kubeconfig: string; ageKey: string }> {
  const dir = await fixture({}, 'runlevel-image-');
  const values = join(dir, 'values');
  await execa('cp', ['-a', valuesDir, values]);
  const flat = await run('kubectl', ['config', 'view', '--flatten', '--minify', '--kubeconfig', kubeconfig]);
  writeFileSync(join(dir, 'kubeconfig'), String(flat.stdout));
  const ageKey = join(dir, 'age.key');
  // the caller removes dir when done
  copyFileSync(join(homedir(), '.config/runlevel/age', `${basename(valuesDir)}.key`), ageKey);
  openUp(dir);
  return { dir, values, kubeconfig: join(dir, 'kubeconfig'), ageKey };
}

/** World-readable (and directories world-searchable): test copies only, never a user's files. */
function openUp(path: string): void {
  const st = statSync(path);
  chmodSync(path, st.isDirectory() ? 0o755 : 0o644);
  if (st.isDirectory()) for (const e of readdirSync(path)) openUp(join(path, e));
}

/**
 * An empty directory 65532 may write to (`out`): the one writable mount, for `template --out`.
 * The caller removes `dir`, which holds it, when done (what the container wrote included).
 */
export async function writableDir(): Promise<{ dir: string; out: string }> {
  const dir = await fixture({}, 'runlevel-out-');
  mkdirSync(join(dir, 'out'));
  chmodSync(dir, 0o755);
  chmodSync(join(dir, 'out'), 0o777);
  return { dir, out: join(dir, 'out') };
}
