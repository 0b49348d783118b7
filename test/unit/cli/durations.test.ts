// Duration flags: parsed, then held between bounds that say why.
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { durationBounds, durationFlag } from '../../../core/cli/durations.js';

test('inside the bounds: milliseconds; absent: undefined', () => {
  assert.is(durationFlag('60s', '--lock-ttl', durationBounds.lockTtl), 60_000);
  assert.is(durationFlag('10s', '--lock-ttl', durationBounds.lockTtl), 10_000);
  assert.is(durationFlag('1h', '--lock-ttl', durationBounds.lockTtl), 3_600_000);
  assert.is(durationFlag('0s', '--wait-lock', durationBounds.waitLock), 0);
  assert.is(durationFlag(undefined, '--timeout', durationBounds.timeout), undefined);
});

test('outside: refused with the range and the reason', () => {
  assert.throws(
    () => durationFlag('0s', '--lock-ttl', durationBounds.lockTtl),
    /--lock-ttl 0s is out of range: use 10s to 1h/,
  );
  assert.throws(() => durationFlag('9s', '--lock-ttl', durationBounds.lockTtl), /out of range/);
  assert.throws(() => durationFlag('61m', '--lock-ttl', durationBounds.lockTtl), /out of range/);
  assert.throws(() => durationFlag('25h', '--timeout', durationBounds.timeout), /use 1s to 24h/);
  assert.throws(() => durationFlag('5 minutes', '--timeout', durationBounds.timeout), /is not a duration/);
});

test.run();
