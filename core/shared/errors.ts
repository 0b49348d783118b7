import { ExitCode } from './exit-codes.js';
import type { SourceLocation } from './source.js';

/** A problem at a place, with what to do about it. Many of these make one error. */
export interface Problem {
  message: string;
  where?: SourceLocation;
  frame?: string; // code frame, already rendered
  path?: string; // JSON path inside the values, when it applies
  hint?: string;
}

/** A mistake the user can fix: printed without a stack trace, exits with its code. */
export class UserError extends Error {
  readonly exitCode: ExitCode;
  readonly problems: Problem[];
  readonly hint: string | undefined;

  constructor(message: string, opts: { exitCode?: ExitCode; hint?: string; problems?: Problem[] } = {}) {
    super(message);
    this.name = 'UserError';
    this.exitCode = opts.exitCode ?? ExitCode.invalid;
    this.hint = opts.hint;
    this.problems = opts.problems ?? [];
  }
}

/** A failed external tool or environment step (tool missing, process died): not a bug of ours. */
export class ToolError extends UserError {
  constructor(message: string, opts: { exitCode?: ExitCode; hint?: string; problems?: Problem[] } = {}) {
    super(message, { exitCode: ExitCode.unexpected, ...opts });
    this.name = 'ToolError';
  }
}

/** Raised when a signal asked us to stop; carries 130 or 143. */
export class InterruptedError extends UserError {
  constructor(signal: 'SIGINT' | 'SIGTERM') {
    super(`interrupted by ${signal}`, {
      exitCode: signal === 'SIGINT' ? ExitCode.interrupted : ExitCode.terminated,
    });
    this.name = 'InterruptedError';
  }
}

export function isUserError(err: unknown): err is UserError {
  return err instanceof UserError;
}
