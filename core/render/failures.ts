// Every broken release in one run: render steps settle into outcomes instead of throwing, so one
// failure does not skip the rest (a user vendoring five charts learns of all five problems at
// once), and the failures, in runlevel then release order, become one error.
import { UserError } from '../shared/errors.js';
import { ExitCode } from '../shared/exit-codes.js';
import type { Order, OrderedLimiter } from '../shared/pool.js';

export type Outcome<T> = { ok: true; value: T } | { ok: false; error: unknown; order: Order };

/** fn under the limiter, its failure caught into an outcome (so the limiter skips nothing). */
export async function settle<T>(
  order: Order,
  limiter: OrderedLimiter,
  fn: () => Promise<T>,
): Promise<Outcome<T>> {
  return limiter.run(order, async () => {
    try {
      return { ok: true, value: await fn() } as const;
    } catch (error) {
      return { ok: false, error, order } as const;
    }
  });
}

/**
 * One failure is thrown as it is; several become one error whose problems keep each failure's
 * place, frame and hint, headed by what failed. A bug (not a UserError) is thrown first, as is.
 */
export function oneRenderError(errors: readonly unknown[]): unknown {
  const bug = errors.find((e) => !(e instanceof UserError));
  if (bug !== undefined) return bug;
  const users = errors as UserError[];
  if (users.length === 1) return users[0];
  const problems = users.flatMap((e) => {
    if (e.problems.length === 0) return [{ message: e.message, hint: e.hint }];
    return e.problems.map((p, i) => ({
      ...p,
      message: `${e.message}: ${p.message}`,
      hint: p.hint ?? (i === e.problems.length - 1 ? e.hint : undefined),
    }));
  });
  return new UserError(`render failed: ${users.length} releases or runlevels could not be rendered`, {
    exitCode: users.every((e) => e.exitCode === users[0]?.exitCode)
      ? (users[0]?.exitCode ?? ExitCode.renderFailed)
      : ExitCode.renderFailed,
    problems,
    hint: 'each problem names its release, runlevel and chart; fix them and render again',
  });
}
