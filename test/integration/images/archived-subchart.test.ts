// `runlevel images` when the traced-items chart keeps its aliased agent sub-chart as
// charts/agent-0.2.0.tgz (as `helm dependency build` leaves it): helm renders it under both
// aliases, and the origins point inside the archive, or at the values repo's alias key.
import { mkdir, rm, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { create } from 'tar';
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import type { PlatformImage } from '../../../core/images/types.js';
import { runCli } from '../../helpers/cli.js';
import { type CoreCopy, copyOfCore } from '../../helpers/core-copy.js';
import { testCharts } from '../../helpers/upstream-runlevel.js';
import { initValuesRepo, type ValuesRepo } from '../../helpers/values-repo.js';

let core: CoreCopy;
let repo: ValuesRepo;

test.before(async () => {
  core = await copyOfCore({ runlevels: {}, charts: { 'traced-items': join(testCharts, 'traced-items') } });
  const charts = join(core.root, 'charts/traced-items/charts');
  create({ sync: true, gzip: true, file: join(charts, 'agent-0.2.0.tgz'), cwd: charts }, ['agent']);
  await rm(join(charts, 'agent'), { recursive: true });
  await core.writeRunlevel(
    '40-items.yaml.gotmpl',
    `commonLabels:
  runlevel: 40-items
releases:
  - name: items
    namespace: upstream
    chart: ${join(core.root, 'charts/traced-items')}
    values:
      - {{- .Values | get "charts.items" dict | toYaml | nindent 8 }}
`,
  );
  repo = await initValuesRepo('dev');
  await mkdir(join(repo.dir, 'clusters/dev/charts'), { recursive: true });
  await writeFile(join(repo.dir, 'clusters/dev/charts/items.yaml'), 'shipper:\n  image:\n    tag: "5.2"\n');
});

test.after(async () => {
  await core?.remove();
  await repo?.remove();
});

test('images -o json: a sub-chart in a .tgz, under two aliases', async () => {
  const r = await runCli(['images', '--cluster', 'dev', '--values', repo.dir, '-o', 'json'], {
    core: core.root,
  });
  assert.is(r.code, 0, r.stderr);
  const images = JSON.parse(r.stdout) as PlatformImage[];
  const use = (source: string) => images.find((i) => i.source === source)?.uses[0];
  const collector = use('docker.io/example/agent:5.0');
  assert.is(collector?.object, 'DaemonSet/items-collector');
  assert.match(
    collector?.parts?.[1]?.chart ?? '',
    /charts\/traced-items\/charts\/agent-0\.2\.0\.tgz\/values\.yaml:4$/,
  );
  assert.match(collector?.parts?.[2]?.chart ?? '', /charts\/agent-0\.2\.0\.tgz\/Chart\.yaml:6$/);
  const shipper = use('docker.io/example/agent:5.2');
  assert.is(shipper?.object, 'DaemonSet/items-shipper');
  assert.equal(shipper?.parts?.[2], {
    part: 'tag',
    values: { file: 'clusters/dev/charts/items.yaml', line: 3, col: 10 },
  });
});

test.run();
