// Runs the real CLI (bin/runlevel) as a user would, capturing output and exit code.
import { execa } from 'execa';
import { coreRoot } from '../../core/shared/paths.js';
import { unprivilegedPrefix } from './unprivileged.js';

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
    /** Without the power to read any file (test/helpers/unprivileged.ts): a 0000 file is unreadable. */
    unprivileged?: boolean;
  } = {},
): Promise<CliResult> {
  const argv = [
    ...(opts.unprivileged ? unprivilegedPrefix() : []),
    `${opts.core ?? coreRoot}/bin/runlevel`,
    ...args,
  ];
  const r = await execa(argv[0] as string, argv.slice(1), {
    cwd: opts.cwd ?? coreRoot,
    env: { ...cleanEnv(), NO_COLOR: '1', RUNLEVEL_LOG_FORMAT: 'plain', ...opts.env },
    extendEnv: false,
    input: opts.input,
    reject: false,
    timeout: opts.timeoutMs ?? 120_000,
  });
  // The command never started (a missing program, a directory it cannot reach): say so, never "exit -1".
  if (r.exitCode === undefined && !r.signal && !r.timedOut) {
    throw new Error(`could not start ${argv.join(' ')}: ${r.shortMessage ?? r.message}`);
  }
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
