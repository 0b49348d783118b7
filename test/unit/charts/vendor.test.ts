// Vendoring a chart archive: unpacked unmodified, recorded with its source and digests, and every
// archive that is not an honest chart refused before anything is written.
import { createHash } from 'node:crypto';
import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { readRecord } from '../../../core/charts/record.js';
import { vendorChart } from '../../../core/charts/vendor.js';
import { isIntact, verifyVendored } from '../../../core/charts/verify.js';
import type { UserError } from '../../../core/shared/errors.js';
import { fixture, removeFixture } from '../../helpers/fixture.js';
import { chartFiles, tgz } from '../../helpers/tgz.js';

const source = 'https://charts.example.test/hello';
const shown = (p: string) => p;

async function withDir(run: (dir: string) => Promise<void> | void): Promise<void> {
  const dir = await fixture({});
  try {
    await run(dir);
  } finally {
    await removeFixture(dir);
  }
}

function archive(dir: string, name: string, files: Record<string, string | Buffer>): string {
  const file = join(dir, name);
  writeFileSync(file, tgz(files));
  return file;
}

function refused(run: () => unknown, message: RegExp | string): UserError {
  try {
    run();
  } catch (err) {
    assert.match((err as Error).message, message);
    return err as UserError;
  }
  assert.unreachable('expected an error');
  throw new Error('unreachable');
}

test('vendor unpacks the chart unmodified and records source, archive digest, sub-charts and files', () =>
  withDir((dir) => {
    const file = archive(dir, 'hello-1.0.0.tgz', chartFiles('hello', '1.0.0'));
    const chartsDir = join(dir, 'charts');
    const r = vendorChart({ archive: file, source, chartsDir, shown });
    assert.is(readFileSync(join(chartsDir, 'hello/values.yaml'), 'utf8'), 'replicaCount: 1\n');
    assert.ok(existsSync(join(chartsDir, 'hello/charts/cache/templates/deployment.yaml')));
    const record = readRecord(join(chartsDir, 'hello.vendor.yaml'), 'hello.vendor.yaml');
    assert.equal(record, r.record);
    assert.is(record.chart, 'hello');
    assert.is(record.version, '1.0.0');
    assert.is(record.appVersion, '1.0.0');
    assert.is(record.source, source);
    assert.equal(record.archive, {
      file: 'hello-1.0.0.tgz',
      sha256: createHash('sha256').update(readFileSync(file)).digest('hex'),
    });
    assert.equal(
      record.subcharts.map(({ sha256: _, ...s }) => s),
      [
        {
          path: 'charts/cache',
          name: 'cache',
          version: '0.3.0',
          repository: 'https://charts.example.test/cache',
        },
      ],
    );
    assert.equal(Object.keys(record.files), [
      'Chart.yaml',
      'charts/cache/Chart.yaml',
      'charts/cache/templates/deployment.yaml',
      'templates/deployment.yaml',
      'values.yaml',
    ]);
    assert.equal(r.changes.added.length, 5);
    assert.ok(verifyVendored(chartsDir, shown).every(isIntact));
    assert.equal(
      [...readFileSync(join(chartsDir, 'hello.vendor.yaml'), 'utf8').matchAll(/^\S+/gm)].map((m) => m[0]),
      [
        '#',
        '#',
        '#',
        'chart:',
        'version:',
        'appVersion:',
        'source:',
        'archive:',
        'tree:',
        'subcharts:',
        'files:',
      ],
    );
  }));

test('vendoring a new version replaces the tree and reports what changed against the old record', () =>
  withDir((dir) => {
    const chartsDir = join(dir, 'charts');
    vendorChart({ archive: archive(dir, 'a.tgz', chartFiles('hello', '1.0.0')), source, chartsDir, shown });
    const next = chartFiles('hello', '1.1.0', { 'hello/templates/service.yaml': 'kind: Service\n' });
    delete next['hello/values.yaml'];
    const r = vendorChart({ archive: archive(dir, 'b.tgz', next), source, chartsDir, shown });
    assert.is(r.previous?.version, '1.0.0');
    assert.is(r.record.version, '1.1.0');
    assert.equal(r.changes, {
      added: ['templates/service.yaml'],
      removed: ['values.yaml'],
      changed: ['Chart.yaml'],
    });
    assert.not.ok(existsSync(join(chartsDir, 'hello/values.yaml')), 'a file gone upstream is gone here');
    assert.ok(verifyVendored(chartsDir, shown).every(isIntact));
  }));

test('a packed sub-chart (charts/x-1.2.3.tgz) is recorded with its version and the sha256 of its archive', () =>
  withDir((dir) => {
    const inner = tgz({ 'redis/Chart.yaml': 'apiVersion: v2\nname: redis\nversion: 1.2.3\n' });
    const files: Record<string, string | Buffer> = {
      'app/Chart.yaml':
        'apiVersion: v2\nname: app\nversion: 2.0.0\ndependencies:\n  - name: redis\n    version: 1.2.3\n    repository: oci://registry.example.test/charts\n',
      'app/charts/redis-1.2.3.tgz': inner,
    };
    const r = vendorChart({
      archive: archive(dir, 'app.tgz', files),
      source,
      chartsDir: join(dir, 'charts'),
      shown,
    });
    assert.equal(r.record.subcharts, [
      {
        path: 'charts/redis-1.2.3.tgz',
        name: 'redis',
        version: '1.2.3',
        repository: 'oci://registry.example.test/charts',
        sha256: createHash('sha256').update(inner).digest('hex'),
      },
    ]);
  }));

test('refused before anything is written: a path out of the chart, two charts, a wrong name, a missing sub-chart', () =>
  withDir((dir) => {
    const chartsDir = join(dir, 'charts');
    const vendor = (files: Record<string, string>) => () =>
      vendorChart({ archive: archive(dir, 'x.tgz', files), source, chartsDir, shown });
    refused(
      vendor({ ...chartFiles('hello', '1.0.0'), 'hello/../../etc/x': 'x' }),
      'unsafe path "hello/../../etc/x"',
    );
    refused(vendor({ ...chartFiles('hello', '1.0.0'), 'other/Chart.yaml': 'x' }), '2 top-level entries');
    refused(
      vendor({ 'hello/Chart.yaml': 'apiVersion: v2\nname: other\nversion: 1.0.0\n' }),
      'its directory "hello" does not match the chart name "other"',
    );
    const noSub = chartFiles('hello', '1.0.0');
    delete noSub['hello/charts/cache/Chart.yaml'];
    delete noSub['hello/charts/cache/templates/deployment.yaml'];
    refused(vendor(noSub), 'Chart.yaml lists cache under dependencies, but charts/ does not hold it');
    refused(vendor({ 'hello/values.yaml': '' }), 'it has no hello/Chart.yaml');
    assert.not.ok(existsSync(chartsDir));
  }));

test('refused: a source that is not a URL, a digest that differs, a missing archive', () =>
  withDir((dir) => {
    const file = archive(dir, 'hello.tgz', chartFiles('hello', '1.0.0'));
    const chartsDir = join(dir, 'charts');
    refused(
      () => vendorChart({ archive: file, source: 'my laptop', chartsDir, shown }),
      '--source "my laptop" is not a URL',
    );
    const e = refused(
      () =>
        vendorChart({ archive: file, source, chartsDir, shown, expectDigest: `sha256:${'0'.repeat(64)}` }),
      `not the expected ${'0'.repeat(64)}`,
    );
    assert.is(e.exitCode, 2);
    refused(
      () => vendorChart({ archive: join(dir, 'nope.tgz'), source, chartsDir, shown }),
      'does not exist',
    );
    const digest = createHash('sha256').update(readFileSync(file)).digest('hex');
    vendorChart({ archive: file, source, chartsDir, shown, expectDigest: digest.toUpperCase() });
  }));

test('refused: replacing a chart that was not vendored, or shadowing one of the core', () =>
  withDir((dir) => {
    const chartsDir = join(dir, 'charts');
    mkdirSync(join(chartsDir, 'hello'), { recursive: true });
    const file = archive(dir, 'hello.tgz', chartFiles('hello', '1.0.0'));
    refused(
      () => vendorChart({ archive: file, source, chartsDir, shown }),
      /hello exists and was not vendored/,
    );
    const core = join(dir, 'core-charts');
    mkdirSync(join(core, 'app'), { recursive: true });
    const app = archive(dir, 'app.tgz', chartFiles('app', '1.0.0'));
    refused(
      () =>
        vendorChart({
          archive: app,
          source,
          chartsDir: join(dir, 'platform-charts'),
          coreChartsDir: core,
          shown,
        }),
      'the core has its own chart named "app"',
    );
  }));

test.run();
