// `docker run` of a core image for the rehearsal, locked down as the launcher runs it
// (bin/runlevel-docker): read-only, every capability dropped, as the caller, and here with no
// network at all (migrate and template read only the mounted files).
import { existsSync } from 'node:fs';
import { homedir } from 'node:os';
import { join } from 'node:path';
import { execa } from 'execa';
import { UserError } from '../shared/errors.js';
import { ExitCode } from '../shared/exit-codes.js';
import { shutdown } from '../shared/shutdown.js';

export interface Mount {
  host: string;
  inside: string;
  writable?: boolean;
}

export interface DockerResult {
  code: number;
  stdout: string;
  stderr: string;
}

/** The environment docker runs in: the project's own engine when no DOCKER_HOST is set and it is there (as the launcher). */
function dockerEnv(): Record<string, string | undefined> {
  if (process.env.DOCKER_HOST) return {};
  const cache = process.env.XDG_CACHE_HOME || join(homedir(), '.cache');
  const own = join(cache, 'runlevel/docker/engine.sock');
  return existsSync(own) ? { DOCKER_HOST: `unix://${own}` } : {};
}

export async function docker(args: string[], timeoutMs = 600_000): Promise<DockerResult> {
  try {
    const r = await execa('docker', args, {
      env: dockerEnv(),
      reject: false,
      timeout: timeoutMs,
      cancelSignal: shutdown.signal,
      stdin: 'ignore',
    });
    if (r.failed && r.exitCode === undefined) throw r;
    return { code: r.exitCode ?? 1, stdout: String(r.stdout), stderr: String(r.stderr) };
  } catch (err) {
    if ((err as { code?: string }).code === 'ENOENT') {
      throw new UserError('docker is not installed: the rehearsal runs the new core from its image', {
        exitCode: ExitCode.unexpected,
        hint: 'install Docker (Debian: apt-get install docker.io), or run upgrade with the new core itself (its version = --to)',
      });
    }
    throw err;
  }
}

export function runArgs(
  image: string,
  args: readonly string[],
  mounts: readonly Mount[],
  env: string[],
): string[] {
  const uid = process.getuid?.() ?? 65532;
  const gid = process.getgid?.() ?? 65532;
  const argv = ['run', '--rm', '--read-only', '--network', 'none', '--cap-drop', 'ALL'];
  argv.push('--security-opt', 'no-new-privileges', '--user', `${uid}:${gid}`);
  for (const m of mounts) argv.push('--volume', `${m.host}:${m.inside}${m.writable ? '' : ':ro'}`);
  // By name: their values never appear on a command line.
  for (const name of env) argv.push('--env', name);
  return [...argv, image, ...args];
}
