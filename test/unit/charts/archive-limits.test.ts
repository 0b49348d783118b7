// Chart archives are untrusted: links refused by name, nested archives read with the same limits
// and errors, and decompression stopped at the limit rather than checked after (issue 19).
import { gzipSync } from 'node:zlib';
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { subcharts, unpackChart } from '../../../core/charts/archive.js';
import { maxUnpackedBytes, readTgz } from '../../../core/check/chart-archive.js';
import { UserError } from '../../../core/shared/errors.js';
import { chartFiles, tgz } from '../../helpers/tgz.js';

function refused(run: () => unknown): UserError {
  try {
    run();
  } catch (err) {
    assert.instance(err, UserError, String((err as Error).stack));
    return err as UserError;
  }
  return assert.unreachable('expected an error') as never;
}

test('a symbolic link out of the chart is refused, naming it and where it points', () => {
  const archive = tgz({
    ...chartFiles('hello', '1.0.0'),
    'hello/templates/passwd': { symlink: '../../../etc/passwd' },
  });
  const err = refused(() => unpackChart(archive, 'hello-1.0.0.tgz'));
  assert.is(
    err.message,
    'hello-1.0.0.tgz is not a chart archive: it holds an entry that is not a regular file: hello/templates/passwd (a symbolic link → ../../../etc/passwd)',
  );
});

test('a link that stays inside the chart is refused too: helm would read it as an empty file', () => {
  const archive = tgz({
    ...chartFiles('hello', '1.0.0'),
    'hello/templates/copy.yaml': { symlink: 'deployment.yaml' },
    'hello/templates/hard.yaml': { hardlink: 'hello/templates/deployment.yaml' },
  });
  assert.match(
    refused(() => unpackChart(archive, 'x.tgz')).message,
    'holds 2 entries that are not a regular file: hello/templates/copy.yaml (a symbolic link → deployment.yaml), hello/templates/hard.yaml (a hard link → hello/templates/deployment.yaml)',
  );
});

test('a corrupt nested charts/x.tgz is refused naming it, not a ZlibError', () => {
  const files = new Map([
    ['Chart.yaml', Buffer.from('apiVersion: v2\nname: hello\nversion: 1.0.0\n')],
    ['charts/cache-0.3.0.tgz', gzipSync(Buffer.from('not a tar at all, but gzip')).subarray(0, 20)],
  ]);
  const err = refused(() => subcharts(files, 'hello-1.0.0.tgz'));
  assert.match(
    err.message,
    /^hello-1\.0\.0\.tgz is not a chart archive: its sub-chart charts\/cache-0\.3\.0\.tgz cannot be read: it is not a valid gzip file \(/,
  );
  assert.match(err.hint ?? '', 'helm pull');
});

test('a nested archive holding a link is refused like the outer one', () => {
  const inner = tgz({
    'cache/Chart.yaml': 'apiVersion: v2\nname: cache\nversion: 0.3.0\n',
    'cache/x': { symlink: '/etc/shadow' },
  });
  const files = new Map([
    ['Chart.yaml', Buffer.from('apiVersion: v2\nname: hello\nversion: 1.0.0\n')],
    ['charts/cache-0.3.0.tgz', inner],
  ]);
  assert.match(
    refused(() => subcharts(files, 'h.tgz')).message,
    'charts/cache-0.3.0.tgz cannot be read: it holds an entry that is not a regular file: cache/x (a symbolic link → /etc/shadow)',
  );
});

test('an archive that unpacks past the limit stops there', () => {
  const bomb = tgz({
    'hello/Chart.yaml': 'name: hello\nversion: 1\n',
    'hello/zeros': Buffer.alloc(maxUnpackedBytes + 1),
  });
  assert.ok(bomb.length < maxUnpackedBytes / 100, `${bomb.length} bytes compressed`);
  assert.throws(() => readTgz(bomb), /unpacks to more than 16 MiB \(stopped there\)/);
  assert.match(
    refused(() => unpackChart(bomb, 'b.tgz')).message,
    /^b\.tgz is not a chart archive: it unpacks to more than 16 MiB/,
  );
});

test('an archive just under the limit is read whole', () => {
  const files = readTgz(
    tgz({ 'hello/Chart.yaml': 'name: hello\n', 'hello/big': Buffer.alloc(maxUnpackedBytes - 4096) }),
  );
  assert.is(files.get('hello/big')?.length, maxUnpackedBytes - 4096);
});

test.run();
