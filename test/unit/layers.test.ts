// Dependencies point cli → stages → shared: biome's noImportCycles catches a cycle, not a stage
// reaching up into one above it while nothing points back (images/ used to be both levels at once).
import { readdirSync, readFileSync } from 'node:fs';
import { dirname, join, normalize, relative } from 'node:path';
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { coreRoot } from '../../core/shared/paths.js';

// A folder may import its own files, shared/, and folders of a lower rank only.
const rank: Record<string, number> = {
  shared: 0,
  values: 1,
  cluster: 1,
  render: 2,
  // Values migrations: rewrite a values repo's files, below every stage that reads the values.
  migrate: 2,
  check: 3,
  drift: 3,
  tasks: 3,
  charts: 4,
  diff: 4,
  images: 4,
  deploy: 4,
  bundle: 5,
  // The agent's loop and the pages: above the stages they report on; the agent may serve the pages.
  serve: 5,
  rollout: 5,
  sync: 6,
  // The upgrade rehearsal: two cores' renders (diff), their migrations, the pin move (rollout), the image check (bundle).
  upgrade: 6,
  cli: 7,
};

function sources(dir: string): string[] {
  return readdirSync(dir, { withFileTypes: true }).flatMap((e) =>
    e.isDirectory() ? sources(join(dir, e.name)) : e.name.endsWith('.ts') ? [join(dir, e.name)] : [],
  );
}

test('no folder of core/ imports from a folder above it', () => {
  const core = join(coreRoot, 'core');
  const upward: string[] = [];
  for (const file of sources(core)) {
    const from = relative(core, file).split('/')[0] ?? '';
    for (const m of readFileSync(file, 'utf8').matchAll(/(?:from|import\()\s*'(\.[^']+)'/g)) {
      const to = relative(core, normalize(join(dirname(file), m[1] ?? ''))).split('/')[0] ?? '';
      if (to === from || to.startsWith('..')) continue;
      const ok = from !== 'shared' && (rank[to] ?? 99) <= (rank[from] ?? 99);
      if (!ok) upward.push(`${relative(coreRoot, file)} → ${m[1]}`);
    }
  }
  assert.equal(upward, []);
});

test('every folder of core/ has a rank', () => {
  const folders = readdirSync(join(coreRoot, 'core'), { withFileTypes: true })
    .filter((e) => e.isDirectory())
    .map((e) => e.name);
  assert.equal(
    folders.filter((f) => rank[f] === undefined),
    [],
  );
});

test.run();
