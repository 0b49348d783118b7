// The helm engine renders byte for byte what `helm template` prints: every release of the
// reference platform and of the value fixtures, and every test chart, through both — the engine
// (one process, the helm SDK) and the pinned helm CLI spawned per release (the reference).
import { readdirSync } from 'node:fs';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { writeBenchRepo } from '../../../bench/render/generate.js';
import { renderPlatform } from '../../../core/render/index.js';
import { varyingSources } from '../../../core/render/varying.js';
import type { Capabilities, Helm, TemplateRequest } from '../../../core/shared/helm.js';
import { startHelmEngine } from '../../../core/shared/helm-engine.js';
import { coreRoot } from '../../../core/shared/paths.js';
import { resolveValues } from '../../../core/values/index.js';
import { defaultAgeKeyFile } from '../../../core/values/secrets.js';
import { fixtures, largeFixtureKey } from '../../helpers/render-helpers.js';
import { pinnedHelm } from '../../helpers/spawn-helm.js';

const engine = startHelmEngine();
const reference = pinnedHelm();

/** The requests a render makes, kept so each can be replayed through the engine. */
function recording(into: TemplateRequest[]): Helm {
  return {
    ...reference,
    template: (r) => {
      into.push(r);
      return reference.template(r);
    },
  };
}

/** Same bytes; for a template that calls rand*, the same lines but the random words. */
function assertSameRender(req: TemplateRequest, theirs: string, mine: string): void {
  if (varyingSources(req.chartDir).size === 0 || theirs === mine) {
    assert.is(mine, theirs, `${req.namespace}/${req.name} (${req.chartDir})`);
    return;
  }
  const a = theirs.split('\n');
  const b = mine.split('\n');
  assert.is(b.length, a.length, `${req.name}: line count`);
  a.forEach((line, i) => {
    const other = b[i] ?? '';
    if (line === other) return;
    // A random value: the same key, a value of the same length.
    assert.is(other.replace(/:.*/, ''), line.replace(/:.*/, ''), `${req.name} line ${i + 1}`);
    assert.is(other.length, line.length, `${req.name} line ${i + 1}`);
  });
}

async function compareAll(requests: TemplateRequest[]): Promise<number> {
  let compared = 0;
  await Promise.all(
    requests.map(async (req) => {
      const [theirs, mine] = await Promise.all([reference.template(req), engine.template(req)]);
      assert.is(mine.ok, theirs.ok, `${req.name}: ok`);
      if (theirs.ok && mine.ok) assertSameRender(req, theirs.manifest, mine.manifest);
      // helm's CLI adds warnings (symlinked sub-charts) before the error; the error is the same.
      if (!theirs.ok && !mine.ok) assert.ok(theirs.stderr.includes(mine.stderr.trim()), `${req.name}: error`);
      compared++;
    }),
  );
  return compared;
}

async function platformRequests(valuesDir: string, cluster: string, ageKeyFile?: string) {
  const resolved = await resolveValues({ valuesDir, cluster, ...(ageKeyFile ? { ageKeyFile } : {}) });
  const requests: TemplateRequest[] = [];
  await renderPlatform({ values: resolved.values, helm: recording(requests), rewriteImages: false });
  return requests;
}

test('every release of the reference platform (3 teams)', async () => {
  const dir = await mkdtemp(join(tmpdir(), 'runlevel-engine-parity-'));
  try {
    await writeBenchRepo(dir, 3);
    const requests = await platformRequests(dir, 'bench');
    assert.ok(requests.length >= 12, `${requests.length} releases`);
    assert.is(await compareAll(requests), requests.length);
  } finally {
    await rm(dir, { recursive: true, force: true });
    await rm(defaultAgeKeyFile(dir), { force: true }); // the bench repo's key, kept in HOME
  }
});

test('every release of the large and minimal fixtures', async () => {
  const large = await platformRequests(join(fixtures, 'large'), 'prod-eu', largeFixtureKey);
  const minimal = await platformRequests(join(fixtures, 'minimal'), 'dev');
  assert.ok(large.length >= 13, `${large.length} releases`);
  assert.is(await compareAll([...large, ...minimal]), large.length + minimal.length);
});

test('every test chart, with and without the target cluster, failures included', async () => {
  const charts = join(coreRoot, 'test/fixtures/charts');
  const caps: Capabilities = {
    kubeVersion: 'v1.35.4',
    apiVersions: ['apps/v1', 'apps/v1/Deployment', 'monitoring.example.test/v1/MetricsTarget'],
  };
  const requests: TemplateRequest[] = readdirSync(charts, { withFileTypes: true })
    .filter((d) => d.isDirectory())
    .flatMap((d) => [
      { name: d.name, namespace: 'tests', chartDir: join(charts, d.name), values: {} },
      { name: d.name, namespace: 'tests', chartDir: join(charts, d.name), values: {}, capabilities: caps },
    ]);
  assert.ok(requests.length >= 20);
  assert.is(await compareAll(requests), requests.length);
});

test('a template error reads the same: release, template file and line', async () => {
  const req: TemplateRequest = {
    name: 'broken',
    namespace: 'tests',
    chartDir: join(coreRoot, 'charts/app'),
    values: { image: 'not-a-map' },
  };
  const [theirs, mine] = await Promise.all([reference.template(req), engine.template(req)]);
  assert.is(theirs.ok, false);
  assert.is(mine.ok, false);
  if (!mine.ok && !theirs.ok) assert.ok(theirs.stderr.includes(mine.stderr.trim()));
});

test.after(() => engine.stop());

test.run();
