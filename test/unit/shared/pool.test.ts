import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { allInOrder, compare, mapLimit, OrderedLimiter, Skipped } from '../../../core/shared/pool.js';

const tick = (ms: number) => new Promise((r) => setTimeout(r, ms));

test('results keep input order and no more than the limit run at once', async () => {
  let running = 0;
  let peak = 0;
  const out = await mapLimit([30, 10, 20, 5, 15], 2, async (ms, i) => {
    running++;
    peak = Math.max(peak, running);
    await tick(ms);
    running--;
    return i * 10;
  });
  assert.equal(out, [0, 10, 20, 30, 40]);
  assert.is(peak, 2);
});

test('the reported failure is the first in input order, not the first in time', async () => {
  try {
    await mapLimit([1, 2, 3], 3, async (n) => {
      await tick(n === 1 ? 30 : 1);
      if (n !== 3) throw new Error(`failed ${n}`);
      return n;
    });
    assert.unreachable();
  } catch (err) {
    assert.is((err as Error).message, 'failed 1');
  }
});

test('no new work starts after a failure', async () => {
  const started: number[] = [];
  try {
    await mapLimit([1, 2, 3, 4, 5], 1, async (n) => {
      started.push(n);
      if (n === 2) throw new Error('stop');
    });
  } catch {}
  assert.equal(started, [1, 2]);
});

test('orders compare like tuples', () => {
  assert.ok(compare([0, 5], [1, -1]) < 0);
  assert.ok(compare([1, -1], [1, 0]) < 0);
  assert.is(compare([2, 3], [2, 3]), 0);
});

test('no more than the limit run at once', async () => {
  const limiter = new OrderedLimiter(2);
  let running = 0;
  let peak = 0;
  const tasks = [0, 1, 2, 3, 4].map((i) => ({
    order: [i],
    promise: limiter.run([i], async () => {
      running++;
      peak = Math.max(peak, running);
      await tick(5);
      running--;
      return i;
    }),
  }));
  assert.equal(await allInOrder(tasks), [0, 1, 2, 3, 4]);
  assert.is(peak, 2);
});

test('after a failure later work is skipped, earlier work still runs, and the first in order is thrown', async () => {
  const limiter = new OrderedLimiter(1);
  const ran: number[] = [];
  const work = (i: number, fail: boolean) => ({
    order: [i],
    promise: limiter.run([i], async () => {
      ran.push(i);
      if (fail) throw new Error(`failed ${i}`);
      return i;
    }),
  });
  // Queued in the order 3 (fails), 5, 1 (fails), 4: 5 and 4 come after 3 and are skipped; 1 runs.
  const tasks = [work(3, true), work(5, false), work(1, true), work(4, false)];
  try {
    await allInOrder(tasks);
    assert.unreachable();
  } catch (err) {
    assert.is((err as Error).message, 'failed 1');
  }
  assert.equal(ran, [3, 1]);
  const skipped = await Promise.allSettled(tasks.map((t) => t.promise));
  assert.instance((skipped[1] as PromiseRejectedResult).reason, Skipped);
});

test.run();
