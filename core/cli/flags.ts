// Flag readings several commands share, each with the same error for the same mistake.
import { UserError } from '../shared/errors.js';
import type { Flags, OptionSpec } from './command.js';

/** --selector / -l, the same for every command that picks releases. */
export const selectorOption: OptionSpec = {
  type: 'string',
  short: 'l',
  multiple: true,
  help: 'only releases whose labels (runlevel, team, app, name, namespace, chart) match; repeat to OR',
};

/** A repeatable flag (--selector a --selector b) as a list; absent → []. */
export function listFlag(flags: Flags, name: string): string[] {
  return ([] as string[]).concat((flags[name] as string[] | string | undefined) ?? []);
}

/** --concurrency N: a positive whole number, or undefined when not given. */
export function concurrencyFlag(flags: Flags): number | undefined {
  if (flags.concurrency === undefined) return undefined;
  const n = Number(flags.concurrency);
  if (!(Number.isInteger(n) && n > 0)) {
    throw new UserError(`--concurrency ${String(flags.concurrency)} is not a positive whole number`);
  }
  return n;
}

/** --NAME N for a count that may be 0 (how many past deploys to show): undefined when not given. */
export function countFlag(flags: Flags, name: string): number | undefined {
  const raw = flags[name];
  if (raw === undefined) return undefined;
  const text = String(raw).trim();
  if (!/^\d+$/.test(text)) {
    throw new UserError(`--${name} ${String(raw)} is not a whole number`, {
      hint: `give a count such as --${name} 10 (0 shows none)`,
    });
  }
  return Number(text);
}
