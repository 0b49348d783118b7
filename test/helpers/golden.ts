// Golden files: the exact output of a command, compared byte for byte, under test/golden/.
// After an intended change, UPDATE_GOLDEN=1 rewrites them (and the diff is reviewed in the commit).
import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { cp, rm } from 'node:fs/promises';
import { dirname, join } from 'node:path';
import * as assert from 'uvu/assert';
import { coreRoot } from '../../core/shared/paths.js';
import { readTree } from './render-helpers.js';

const update = () => process.env.UPDATE_GOLDEN === '1';
const goldenPath = (...parts: string[]) => join(coreRoot, 'test/golden', ...parts);

/** Compare text with test/golden/<group>/<name>.txt. */
export function assertGoldenFile(group: string, name: string, actual: string): void {
  const file = goldenPath(group, `${name}.txt`);
  if (update()) {
    mkdirSync(dirname(file), { recursive: true });
    writeFileSync(file, actual);
  }
  assert.ok(existsSync(file), `golden file ${file} is missing: run the tests with UPDATE_GOLDEN=1`);
  assert.fixture(
    actual,
    readFileSync(file, 'utf8'),
    `output differs from ${file} (UPDATE_GOLDEN=1 rewrites it)`,
  );
}

/** Compare a directory of outputs with test/golden/<group>/<name>/: the same files, each byte for byte. */
export async function assertGoldenTree(group: string, name: string, dir: string): Promise<void> {
  const golden = goldenPath(group, name);
  if (update()) {
    await rm(golden, { recursive: true, force: true });
    await cp(dir, golden, { recursive: true });
  }
  assert.ok(existsSync(golden), `no golden files in ${golden}: run the tests with UPDATE_GOLDEN=1`);
  const got = await readTree(dir);
  const want = await readTree(golden);
  assert.equal([...got.keys()], [...want.keys()], 'the same files');
  for (const [file, text] of want) assert.fixture(got.get(file) ?? '', text, file);
}
