// A newer core with a values contract change, built from this checkout: scripts/image.sh as
// RUNLEVEL_VERSION (the way canary.test.ts builds 0.2.0), then one layer more with what a contract
// bump changes in a real release: migration 3 (apps.<app>.replicas → replicaCount) listed and
// contractVersion 3, the schema and the runlevel that read the new name, and a chart change the
// new core renders (the app Deployment's revisionHistoryLimit 5 → 3); the patched code bundled again. Signed like make image
// (scripts/image-sign.sh), so its layout can go into a mirror with its signature.
import { chmodSync, mkdirSync, readdirSync, readFileSync, statSync, writeFileSync } from 'node:fs';
import { cp, symlink } from 'node:fs/promises';
import { dirname, join } from 'node:path';
import { execa } from 'execa';
import * as assert from 'uvu/assert';
import { coreRoot } from '../../core/shared/paths.js';
import { cleanEnv } from '../helpers/cli.js';
import { fixture, removeFixture } from '../helpers/fixture.js';

const migration = `// Contract 3 (test build): apps.<app>.replicas → replicaCount.
export const migration = {
  to: 3,
  title: 'apps.<app>.replicas is now replicaCount',
  why: 'the name the chart ecosystem uses',
  steps: [{ kind: 'rename', path: ['apps', '*', 'replicas'], to: 'replicaCount' }],
};
`;

/** `text` with `from` replaced once by `to`; the test fails when `from` is not there (the checkout moved on). */
function patch(file: string, from: string, to: string): string {
  const text = readFileSync(join(coreRoot, file), 'utf8');
  assert.ok(text.includes(from), `${file} no longer holds ${JSON.stringify(from)}: update contract-bump.ts`);
  return text.replace(from, to);
}

function renamedSchema(): string {
  const schema = JSON.parse(readFileSync(join(coreRoot, 'schemas/values.schema.json'), 'utf8'));
  const app = Object.values(schema.$defs as Record<string, { properties?: Record<string, unknown> }>).find(
    (d) => d.properties?.replicas && d.properties.autoscaling,
  );
  assert.ok(app?.properties, 'the app definition of the values schema has replicas');
  app.properties = Object.fromEntries(
    Object.entries(app.properties).map(([k, v]) => [k === 'replicas' ? 'replicaCount' : k, v]),
  );
  return `${JSON.stringify(schema, null, 2)}\n`;
}

/** What contract 3 changes in the compiled core, by path under dist/core. */
function codeChanges(): Record<string, string> {
  const m = 'dist/core/migrate/migrations';
  return {
    [`${m}/0003-app-replica-count.js`]: migration,
    [`${m}/index.js`]: patch(
      `${m}/index.js`,
      'export const migrations = [m0001, m0002];',
      "import { migration as m0003 } from './0003-app-replica-count.js';\nexport const migrations = [m0001, m0002, m0003];",
    ),
    'dist/core/values/contract.js': patch(
      'dist/core/values/contract.js',
      'export const contractVersion = 2;',
      'export const contractVersion = 3;',
    ),
  };
}

/**
 * What contract 3 changes, by path in the core (the image's /opt/runlevel, or a copy of the core):
 * dist/core patched and bundled again (bin/runlevel runs dist/bundle, scripts/bundle.sh), the
 * schema, the runlevel file and the chart.
 */
export async function contractBump(): Promise<Record<string, string>> {
  const copy = await fixture({}, 'runlevel-contract-code-');
  try {
    await cp(join(coreRoot, 'dist/core'), join(copy, 'dist/core'), { recursive: true });
    await symlink(join(coreRoot, 'node_modules'), join(copy, 'node_modules'));
    for (const [path, text] of Object.entries(codeChanges())) writeFileSync(join(copy, path), text);
    const bundled = await execa('bash', [join(coreRoot, 'scripts/bundle.sh'), copy], { reject: false });
    assert.is(bundled.exitCode, 0, String(bundled.stderr));
    const bundle: Record<string, string> = {};
    for (const name of readdirSync(join(copy, 'dist/bundle'))) {
      bundle[`dist/bundle/${name}`] = readFileSync(join(copy, 'dist/bundle', name), 'utf8');
    }
    return {
      ...codeChanges(),
      ...bundle,
      'schemas/values.schema.json': renamedSchema(),
      'helmfile.d/90-apps.yaml.gotmpl': patch(
        'helmfile.d/90-apps.yaml.gotmpl',
        '($app | get "replicas" 2)',
        '($app | get "replicaCount" 2)',
      ),
      'charts/app/templates/deployment.yaml': patch(
        'charts/app/templates/deployment.yaml',
        'revisionHistoryLimit: 5',
        'revisionHistoryLimit: 3',
      ),
    };
  } finally {
    await removeFixture(copy);
  }
}

/** Builds TAG (core VERSION with contract 3) from BASE-TAG made by scripts/image.sh; returns the tags made. */
export async function buildContractBump(
  tag: string,
  version: string,
  env: Record<string, string>,
): Promise<string[]> {
  const plain = `${tag}-plain`;
  const built = await execa('bash', [join(coreRoot, 'scripts/image.sh')], {
    env: { ...cleanEnv(), ...env, RUNLEVEL_VERSION: version, RUNLEVEL_IMAGE: plain },
    reject: false,
    timeout: 900_000,
  });
  assert.is(built.exitCode, 0, String(built.stderr));
  const files: Record<string, string> = { Dockerfile: `FROM ${plain}\nCOPY opt/ /opt/\n` };
  for (const [path, text] of Object.entries(await contractBump())) files[`opt/runlevel/${path}`] = text;
  const context = await fixture({}, 'runlevel-contract-bump-');
  try {
    for (const [path, text] of Object.entries(files)) {
      mkdirSync(dirname(join(context, path)), { recursive: true });
      writeFileSync(join(context, path), text);
    }
    readable(context);
    const build = await execa('docker', ['build', '--quiet', '--tag', tag, context], {
      env: { ...cleanEnv(), ...env, DOCKER_BUILDKIT: '0' },
      reject: false,
      timeout: 300_000,
    });
    assert.is(build.exitCode, 0, String(build.stderr));
  } finally {
    await removeFixture(context);
  }
  const signed = await execa('bash', [join(coreRoot, 'scripts/image-sign.sh'), tag, version], {
    env: { ...cleanEnv(), ...env },
    reject: false,
    timeout: 600_000,
  });
  assert.is(signed.exitCode, 0, String(signed.stderr));
  return [tag, plain];
}

/** The files the image's user (65532) reads: world-readable, directories searchable. */
function readable(path: string): void {
  const st = statSync(path);
  chmodSync(path, st.isDirectory() ? 0o755 : 0o644);
  if (st.isDirectory()) for (const e of readdirSync(path)) readable(join(path, e));
}
