// The rendered platform for each fixture values repo, compared file by file with
// test/golden/render/<case>/. After an intended change: UPDATE_GOLDEN=1 node dist/test/run.js integration
import { existsSync } from 'node:fs';
import { cp, mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { coreRoot } from '../../../core/shared/paths.js';
import { runCli } from '../../helpers/cli.js';
import { fixtures, readTree } from './render-helpers.js';

// The values-template example joins this table once `runlevel init` can produce it.
const cases = [
  { name: 'minimal', values: join(fixtures, 'minimal'), cluster: 'dev' },
  { name: 'large', values: join(fixtures, 'large'), cluster: 'prod-eu' },
];

const update = process.env.UPDATE_GOLDEN === '1';

for (const c of cases) {
  test(`golden render: ${c.name}`, async () => {
    const out = await mkdtemp(join(tmpdir(), `runlevel-golden-${c.name}-`));
    const golden = join(coreRoot, 'test/golden/render', c.name);
    try {
      const r = await runCli([
        'template',
        '--values',
        c.values,
        '--cluster',
        c.cluster,
        '--out',
        join(out, 'r'),
      ]);
      assert.is(r.code, 0, r.stderr);
      if (update) {
        await rm(golden, { recursive: true, force: true });
        await cp(join(out, 'r'), golden, { recursive: true });
      }
      assert.ok(existsSync(golden), `no golden files for ${c.name}: run with UPDATE_GOLDEN=1`);
      const got = await readTree(join(out, 'r'));
      const want = await readTree(golden);
      assert.equal([...got.keys()], [...want.keys()], 'the same files');
      for (const [file, text] of want) assert.fixture(got.get(file) ?? '', text, file);
    } finally {
      await rm(out, { recursive: true, force: true });
    }
  });
}

test.run();
