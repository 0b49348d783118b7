// The one concurrency helper. Work has a natural order (input index; or runlevel, then release):
// at most `limit` run at once, and after a failure work ordered after it is skipped while work
// ordered before it still runs, so the error reported is always the first in order and the same
// broken input gives the same message every time.

export type Order = readonly number[];

export class Skipped extends Error {
  constructor() {
    super('skipped after an earlier failure');
  }
}

export class OrderedLimiter {
  private running = 0;
  private queue: (() => void)[] = [];
  private firstFailure: Order | undefined;

  constructor(private readonly limit: number) {}

  async run<T>(order: Order, fn: () => Promise<T>): Promise<T> {
    if (this.running >= this.limit) await new Promise<void>((resolve) => this.queue.push(resolve));
    this.running++;
    try {
      if (this.firstFailure && compare(order, this.firstFailure) > 0) throw new Skipped();
      return await fn();
    } catch (err) {
      if (!(err instanceof Skipped) && (!this.firstFailure || compare(order, this.firstFailure) < 0)) {
        this.firstFailure = order;
      }
      throw err;
    } finally {
      this.running--;
      this.queue.shift()?.();
    }
  }
}

export function compare(a: Order, b: Order): number {
  for (let i = 0; i < Math.max(a.length, b.length); i++) {
    const d = (a[i] ?? -1) - (b[i] ?? -1);
    if (d !== 0) return d;
  }
  return 0;
}

/** Settle every task, then throw the failure first in order (never a Skipped), or return all results. */
export async function allInOrder<T>(tasks: readonly { order: Order; promise: Promise<T> }[]): Promise<T[]> {
  const settled = await Promise.allSettled(tasks.map((t) => t.promise));
  let first: { order: Order; reason: unknown } | undefined;
  settled.forEach((s, i) => {
    const order = tasks[i]?.order ?? [];
    if (
      s.status === 'rejected' &&
      !(s.reason instanceof Skipped) &&
      (!first || compare(order, first.order) < 0)
    ) {
      first = { order, reason: s.reason };
    }
  });
  if (first) throw first.reason;
  return settled.map((s) => (s as PromiseFulfilledResult<T>).value);
}

/**
 * Map over items with at most `limit` running at once, results in input order. After a failure
 * nothing later starts, and the error thrown is the first failure in input order. A `fn` that
 * never throws (it returns an outcome instead) gets every item run.
 */
export async function mapLimit<T, R>(
  items: readonly T[],
  limit: number,
  fn: (item: T, i: number) => Promise<R>,
): Promise<R[]> {
  const limiter = new OrderedLimiter(Math.max(1, limit));
  return allInOrder(items.map((item, i) => ({ order: [i], promise: limiter.run([i], () => fn(item, i)) })));
}
