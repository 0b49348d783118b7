import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { encrypt } from '../../../core/values/secrets.js';
import { runCli } from '../../helpers/cli.js';
import { assertGoldenTree } from '../../helpers/golden.js';
import { fixtures, largeFixtureKey } from '../../helpers/render-helpers.js';
import { initExample } from '../../helpers/values-repo.js';

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
  const repo = await initExample(work, join(work, 'age.key'));
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

for (const c of cases) {
  test(`golden render: ${c.name}`, async () => {
    const out = await mkdtemp(join(tmpdir(), `runlevel-golden-${c.name}-`));
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
      await assertGoldenTree('render', c.name, join(out, 'r'));
    } finally {
      await rm(out, { recursive: true, force: true });
    }
  });
}

test.run();
