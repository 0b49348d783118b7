// uvu does not print why a before hook failed (every test of the file just fails): this says it.
import type { Test } from 'uvu';

/** `test.before(setUp)`, with set-up's error printed before every test of the file fails. */
export function beforeSaying(test: Test, setUp: () => Promise<void>): void {
  test.before(async () => {
    try {
      await setUp();
    } catch (err) {
      console.error(`set-up failed: ${(err as Error).stack ?? String(err)}`);
      throw err;
    }
  });
}
