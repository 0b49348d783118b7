// Golden files: the exact output of a command, compared byte for byte; UPDATE_GOLDEN=1 rewrites them.
import assert from 'node:assert/strict';
import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { coreRoot } from '../../core/shared/paths.js';

/** Compare with test/golden/<group>/<name>.txt. */
export function assertGoldenFile(group: string, name: string, actual: string): void {
  const file = join(coreRoot, 'test/golden', group, `${name}.txt`);
  if (process.env.UPDATE_GOLDEN === '1') {
    mkdirSync(dirname(file), { recursive: true });
    writeFileSync(file, actual);
    return;
  }
  assert.ok(existsSync(file), `golden file ${file} is missing: run the tests with UPDATE_GOLDEN=1`);
  assert.equal(
    actual,
    readFileSync(file, 'utf8'),
    `output differs from ${file} (UPDATE_GOLDEN=1 rewrites it)`,
  );
}
