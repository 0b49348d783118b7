// Runs the real CLI (bin/runlevel) as a user would, capturing output and exit code.
import { execa } from 'execa';
import { coreRoot } from '../../core/shared/paths.js';

export interface CliResult {
  code: number;
  stdout: string;
  stderr: string;
}

export async function runCli(
  args: string[],
  opts: {
    cwd?: string;
    env?: Record<string, string>;
    input?: string;
    timeoutMs?: number;
    /** Another copy of the core to run (test/helpers/core-copy.ts); default this checkout. */
    core?: string;
    /** Run as this user (tests running as root that need a file root could read anyway). */
    uid?: number;
  } = {},
): Promise<CliResult> {
  const r = await execa(`${opts.core ?? coreRoot}/bin/runlevel`, args, {
    cwd: opts.cwd ?? coreRoot,
    env: { ...cleanEnv(), NO_COLOR: '1', RUNLEVEL_LOG_FORMAT: 'plain', ...opts.env },
    extendEnv: false,
    input: opts.input,
    reject: false,
    timeout: opts.timeoutMs ?? 120_000,
    ...(opts.uid === undefined ? {} : { uid: opts.uid, gid: opts.uid }),
  });
  return { code: r.exitCode ?? -1, stdout: String(r.stdout), stderr: String(r.stderr) };
}

/** The caller's environment minus what would change our output: FORCE_COLOR (fights NO_COLOR)
 * and the developer's own RUNLEVEL_* settings (RUNLEVEL_TEST_* from the runner stay). */
export function cleanEnv(): Record<string, string> {
  const env: Record<string, string> = {};
  for (const [k, v] of Object.entries(process.env)) {
    const ours = k.startsWith('RUNLEVEL_') && !k.startsWith('RUNLEVEL_TEST_');
    if (v !== undefined && k !== 'FORCE_COLOR' && !ours) env[k] = v;
  }
  return env;
}
