import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { runCli } from '../../helpers/cli.js';
import { assertGoldenTree } from '../../helpers/golden.js';
import { fixtures } from '../../helpers/render-helpers.js';

interface Case {
  name: string;
  cluster: string;
  /** The values repo to render (made in `work` when it has to be generated). */
  values: (work: string) => Promise<string>;
}

/**
 * The values-template example as `runlevel init` writes it. Its SSO admin password is generated
 * at random and sops-encrypted; for a stable render it is swapped for a fixed, plain one.
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
  await rm(join(repo, 'clusters/dev/secrets.sops.yaml'));
  await writeFile(
    join(repo, 'clusters/dev/secrets.yaml'),
    'platform:\n  sso:\n    adminPassword: golden-admin-password\n',
  );
  return repo;
}

const cases: Case[] = [
  { name: 'values-template', cluster: 'dev', values: valuesTemplateExample },
  { name: 'minimal', cluster: 'dev', values: async () => join(fixtures, 'minimal') },
  { name: 'large', cluster: 'prod-eu', values: async () => join(fixtures, 'large') },
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
      ]);
      assert.is(r.code, 0, r.stderr);
      await assertGoldenTree('render', c.name, join(out, 'r'));
    } finally {
      await rm(out, { recursive: true, force: true });
    }
  });
}

test.run();
