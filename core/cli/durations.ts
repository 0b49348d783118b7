// Duration flags with bounds: a duration is parsed, then held between a floor and a ceiling that
// each have a reason, so `--lock-ttl 0s` or `--timeout 9999h` is refused with the why, not run.
import { parseDuration } from '../deploy/plan.js';
import { UserError } from '../shared/errors.js';

export interface DurationBounds {
  minMs: number;
  maxMs: number;
  /** Why the floor or the ceiling is there, said when a value passes it. */
  why: string;
}

/** Node's timers hold at most 2^31-1 ms (24.8 days); past it they fire at once. A day is plenty. */
const day = 24 * 3_600_000;

export const durationBounds = {
  /** The lease is renewed every quarter of its TTL (core/deploy/lock.ts). */
  lockTtl: {
    minMs: 10_000,
    maxMs: 3_600_000,
    why: 'the lease is renewed every quarter of its TTL: under 10s a slow API server answer lets it expire while the deploy still runs (and renewals flood the API server); over 1h a deploy that died blocks the cluster that long',
  },
  waitLock: { minMs: 0, maxMs: day, why: 'wait at most a day for another deploy' },
  timeout: { minMs: 1_000, maxMs: day, why: 'a readiness wait is at least a second and at most a day' },
} as const satisfies Record<string, DurationBounds>;

/** undefined when the flag is absent; the milliseconds otherwise; refused out of bounds. */
export function durationFlag(value: unknown, flag: string, bounds: DurationBounds): number | undefined {
  if (value === undefined) return undefined;
  const ms = parseDuration(String(value));
  if (ms === undefined)
    throw new UserError(`${flag} ${String(value)} is not a duration`, { hint: 'use 90s, 5m or 1h' });
  if (ms < bounds.minMs || ms > bounds.maxMs) {
    throw new UserError(
      `${flag} ${String(value)} is out of range: use ${format(bounds.minMs)} to ${format(bounds.maxMs)}`,
      { hint: bounds.why },
    );
  }
  return ms;
}

function format(ms: number): string {
  if (ms === 0) return '0s';
  if (ms % 3_600_000 === 0) return `${ms / 3_600_000}h`;
  if (ms % 60_000 === 0) return `${ms / 60_000}m`;
  return `${ms / 1000}s`;
}
