// How a deploy or destroy that stopped short ends the command: an interrupt maps to 130/143, a
// failure to exit 5 naming where it stopped (runlevel / release, and the step) and why.
import type { DeployRecord } from '../deploy/record.js';
import { UserError } from '../shared/errors.js';
import { ExitCode } from '../shared/exit-codes.js';

/** Nothing when the run succeeded; the exit code when it was interrupted; throws when it failed. */
export function stoppedShort(record: DeployRecord, hint: string): ExitCode | undefined {
  const failure = record.failure;
  if (!failure) return undefined;
  if (record.outcome === 'interrupted') return ExitCode.interrupted; // main maps it to 130/143
  const where = [failure.runlevel, failure.release].filter(Boolean).join(' / ') || failure.step;
  throw new UserError(`${record.command} failed at ${where} (${failure.step}): ${failure.message}`, {
    exitCode: ExitCode.deployFailed,
    hint,
  });
}
