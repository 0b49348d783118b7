import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { mapLimit } from '../../../core/shared/pool.js';

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

test.run();
