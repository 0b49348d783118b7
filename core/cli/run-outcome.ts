// How a deploy or destroy that stopped short ends the command: an interrupt maps to 130/143, a run
// whose lock was taken to exit 6, a failure to exit 5, each naming where it stopped (runlevel /
// release, and the step) and why.
import type { DeployRecord } from '../deploy/record.js';
import { UserError } from '../shared/errors.js';
import { ExitCode } from '../shared/exit-codes.js';
import { log } from '../shared/log.js';

/** Nothing when the run succeeded; the exit code when it was interrupted; throws when it failed. */
export function stoppedShort(record: DeployRecord, hint: string): ExitCode | undefined {
  const failure = record.failure;
  if (!failure) return undefined;
  const where = [failure.runlevel, failure.release].filter(Boolean).join(' / ') || failure.step;
  if (record.outcome === 'interrupted') {
    log.warn(`${record.command} interrupted at ${where}: ${failure.message}`);
    return ExitCode.interrupted; // main maps it to 130/143
  }
  if (record.outcome === 'displaced') {
    throw new UserError(`${record.command} displaced at ${where}: ${failure.message}`, {
      exitCode: ExitCode.lockHeld,
      hint: 'another run took the lock (--break-lock) and carries on; this one wrote nothing after that. `runlevel status` shows both',
    });
  }
  throw new UserError(`${record.command} failed at ${where} (${failure.step}): ${failure.message}`, {
    exitCode: ExitCode.deployFailed,
    hint,
  });
}
