// The rendered platform for each fixture values repo, compared file by file with
// test/golden/render/<case>/. After an intended change: UPDATE_GOLDEN=1 node dist/test/run.js integration
import { existsSync } from 'node:fs';
import { cp, mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { coreRoot } from '../../../core/shared/paths.js';
import { encrypt } from '../../../core/values/secrets.js';
import { runCli } from '../../helpers/cli.js';
import { fixtures, largeFixtureKey, readTree } from './render-helpers.js';

interface Case {
  name: string;
  cluster: string;
  /** The values repo to render (made in `work` when it has to be generated). */
  values: (work: string) => Promise<string>;
  /** The age key its *.sops.yaml files are encrypted to. */
  ageKeyFile: (work: string) => string;
}

/**
 * The values-template example as `runlevel init` writes it. Its SSO admin password is generated
 * at random and sops-encrypted; for a stable render it is swapped for a fixed one, encrypted too
 * (a secret in a plain file is refused).
 */
async function valuesTemplateExample(work: string): Promise<string> {
  const repo = join(work, 'example');
  const r = await runCli([
    'init',
    repo,
    '--cluster',
    'dev',
    '--domain',
    'dev.example.com',
    '--age-key-file',
    join(work, 'age.key'),
  ]);
  assert.is(r.code, 0, r.stderr);
  const file = 'clusters/dev/secrets.sops.yaml';
  await writeFile(
    join(repo, file),
    await encrypt(repo, file, 'platform:\n  sso:\n    adminPassword: golden-admin-password\n'),
  );
  return repo;
}

const cases: Case[] = [
  {
    name: 'values-template',
    cluster: 'dev',
    values: valuesTemplateExample,
    ageKeyFile: (work) => join(work, 'age.key'),
  },
  {
    name: 'minimal',
    cluster: 'dev',
    values: async () => join(fixtures, 'minimal'),
    ageKeyFile: () => largeFixtureKey, // it has no encrypted file
  },
  {
    name: 'large',
    cluster: 'prod-eu',
    values: async () => join(fixtures, 'large'),
    ageKeyFile: () => largeFixtureKey,
  },
];

const update = process.env.UPDATE_GOLDEN === '1';

for (const c of cases) {
  test(`golden render: ${c.name}`, async () => {
    const out = await mkdtemp(join(tmpdir(), `runlevel-golden-${c.name}-`));
    const golden = join(coreRoot, 'test/golden/render', c.name);
    try {
      const values = await c.values(out);
      const r = await runCli([
        'template',
        '--values',
        values,
        '--cluster',
        c.cluster,
        '--out',
        join(out, 'r'),
        '--age-key-file',
        c.ageKeyFile(out),
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
