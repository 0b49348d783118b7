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
  opts: { cwd?: string; env?: Record<string, string>; input?: string; timeoutMs?: number } = {},
): Promise<CliResult> {
  const r = await execa(`${coreRoot}/bin/runlevel`, args, {
    cwd: opts.cwd ?? coreRoot,
    env: { NO_COLOR: '1', RUNLEVEL_LOG_FORMAT: 'plain', ...opts.env },
    input: opts.input,
    reject: false,
    timeout: opts.timeoutMs ?? 120_000,
  });
  return { code: r.exitCode ?? -1, stdout: String(r.stdout), stderr: String(r.stderr) };
}
