// Image origins through a sub-chart kept as a .tgz in charts/ (as `helm dependency build` leaves
// it), given under two aliases: the traced-items test chart with its agent sub-chart packed into
// charts/agent-0.2.0.tgz, in a temporary copy. The files shown are inside the archive.
import { cpSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { create } from 'tar';
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { readTgz } from '../../../core/check/chart-archive.js';
import { collectImages } from '../../../core/images/collect.js';
import { chartTemplates } from '../../../core/render/chart-templates.js';
import { splitManifest } from '../../../core/render/manifests.js';
import type { RenderedRelease } from '../../../core/render/types.js';
import { coreRoot } from '../../../core/shared/paths.js';

const scratch = mkdtempSync(join(tmpdir(), 'runlevel-archived-subchart-'));
const chart = join(scratch, 'traced-items');
const tgz = join(chart, 'charts/agent-0.2.0.tgz');

test.before(() => {
  cpSync(join(coreRoot, 'test/fixtures/charts/traced-items'), chart, { recursive: true });
  create({ sync: true, gzip: true, file: tgz, cwd: join(chart, 'charts') }, ['agent']);
  rmSync(join(chart, 'charts/agent'), { recursive: true });
});

test.after(() => rmSync(scratch, { recursive: true, force: true }));

function release(): RenderedRelease {
  const manifest = ['collector:docker.io/example/agent:5.0', 'shipper:docker.io/example/agent:5.1']
    .map((s) => {
      const [alias, image] = s.split(/:(.*)/);
      return `---\n# Source: traced-items/charts/${alias}/templates/daemonset.yaml\napiVersion: apps/v1\nkind: DaemonSet\nmetadata:\n  name: r-${alias}\nspec:\n  template:\n    spec:\n      containers:\n        - name: agent\n          image: ${image}\n`;
    })
    .join('');
  const { files, objects } = splitManifest(manifest, '40-extra/r', () => 'ns');
  return {
    ...{ runlevel: '40-extra', name: 'r', namespace: 'ns', labels: {}, needs: [], values: {} },
    chart: { name: 'traced-items', version: '0.1.0', path: chart },
    ...{ valuesDigest: '', inputDigest: '', manifestDigest: '', manifest, files, objects },
  };
}

test('an archived sub-chart is read only when an unpacker is given, by each alias', () => {
  assert.not.ok(chartTemplates(chart).files.has('traced-items/charts/shipper/templates/daemonset.yaml'));
  const templates = chartTemplates(chart, readTgz);
  assert.ok(templates.files.has('traced-items/charts/collector/templates/daemonset.yaml'));
  assert.ok(templates.files.has('traced-items/charts/shipper/templates/daemonset.yaml'));
  assert.is(templates.dirs.get('traced-items/charts/shipper'), tgz);
});

test('origins inside the archive: its values.yaml and Chart.yaml lines; the parent override', () => {
  const images = collectImages([release()]);
  const use = (object: string) => images.flatMap((i) => i.uses).find((u) => u.object === object);
  assert.equal(use('DaemonSet/r-collector')?.parts, [
    { part: 'registry', chart: `${tgz}/values.yaml:3` },
    { part: 'repository', chart: `${tgz}/values.yaml:4` },
    { part: 'tag', chart: `${tgz}/Chart.yaml:6` },
  ]);
  assert.equal(use('DaemonSet/r-shipper')?.parts?.[2], { part: 'tag', chart: `${chart}/values.yaml:24` });
});

test.run();
