// A vendored chart that differs from its record is named file by file, and stops check (exit 4).
import { appendFileSync, mkdirSync, readFileSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { vendorChart } from '../../../core/charts/vendor.js';
import { assertVendoredIntact, isIntact, verifyVendored } from '../../../core/charts/verify.js';
import type { UserError } from '../../../core/shared/errors.js';
import { ExitCode } from '../../../core/shared/exit-codes.js';
import { fixture, removeFixture } from '../../helpers/fixture.js';
import { chartFiles, tgz } from '../../helpers/tgz.js';

const shown = (p: string) => p.replace(/^.*?\/charts\//, 'charts/');

async function vendored(run: (chartsDir: string) => void): Promise<void> {
  const dir = await fixture({ 'hello.tgz': tgz(chartFiles('hello', '1.0.0')) });
  try {
    const chartsDir = join(dir, 'charts');
    vendorChart({ archive: join(dir, 'hello.tgz'), source: 'https://charts.example.test', chartsDir, shown });
    mkdirSync(join(chartsDir, 'own/templates'), { recursive: true }); // a chart of ours: no record, not checked
    writeFileSync(join(chartsDir, 'own/Chart.yaml'), 'name: own\n');
    run(chartsDir);
  } finally {
    await removeFixture(dir);
  }
}

function messages(chartsDir: string): string[] {
  try {
    assertVendoredIntact(chartsDir, shown);
  } catch (err) {
    assert.is((err as UserError).exitCode, ExitCode.policyViolations);
    assert.match((err as Error).message, 'vendored chart hello differs from its record');
    return (err as UserError).problems.map((p) => p.message);
  }
  return [];
}

test('an untouched chart is intact; only charts with a record are checked', () =>
  vendored((chartsDir) => {
    const verdicts = verifyVendored(chartsDir, shown);
    assert.equal(
      verdicts.map((v) => v.record.chart),
      ['hello'],
    );
    assert.ok(isIntact(verdicts[0] as never));
    assert.equal(messages(chartsDir), []);
  }));

test('an edited, an added and a removed file are each named', () =>
  vendored((chartsDir) => {
    appendFileSync(join(chartsDir, 'hello/templates/deployment.yaml'), '# tweak\n');
    writeFileSync(join(chartsDir, 'hello/templates/extra.yaml'), 'kind: ConfigMap\n');
    rmSync(join(chartsDir, 'hello/charts/cache/Chart.yaml'));
    assert.equal(messages(chartsDir), [
      'charts/hello/templates/deployment.yaml: changed since hello 1.0.0 (vendored from https://charts.example.test)',
      'charts/hello/templates/extra.yaml: added to hello 1.0.0 (vendored from https://charts.example.test)',
      'charts/hello/charts/cache/Chart.yaml: removed from hello 1.0.0 (vendored from https://charts.example.test)',
    ]);
  }));

test('a symlink, a missing chart directory and a hand-edited record are caught', () =>
  vendored((chartsDir) => {
    symlinkSync('values.yaml', join(chartsDir, 'hello/other.yaml'));
    assert.equal(messages(chartsDir), ['charts/hello/other.yaml: a symlink, which no chart archive holds']);
    rmSync(join(chartsDir, 'hello'), { recursive: true });
    assert.match(
      messages(chartsDir)[0] ?? '',
      'charts/hello: missing, but charts/hello.vendor.yaml records hello 1.0.0',
    );
  }));

test('editing a file and its digest in the record together still fails: the tree digest does not add up', () =>
  vendored((chartsDir) => {
    const record = join(chartsDir, 'hello.vendor.yaml');
    const text = readFileSync(record, 'utf8');
    const line = /^ {2}values\.yaml: ([0-9a-f]{64})$/m.exec(text);
    writeFileSync(record, text.replace(line?.[1] ?? 'x', 'f'.repeat(64)));
    assert.equal(messages(chartsDir), [
      'charts/hello.vendor.yaml: its files do not add up to its tree digest: the record was edited by hand',
      'charts/hello/values.yaml: changed since hello 1.0.0 (vendored from https://charts.example.test)',
    ]);
  }));

test('a record that is not one is an error naming it', () =>
  vendored((chartsDir) => {
    writeFileSync(join(chartsDir, 'hello.vendor.yaml'), 'chart: hello\nfiles: []\n');
    try {
      verifyVendored(chartsDir, shown);
      assert.unreachable();
    } catch (err) {
      assert.match(
        (err as Error).message,
        'vendor record charts/hello.vendor.yaml is not valid: files must be a map',
      );
    }
  }));

test.run();
