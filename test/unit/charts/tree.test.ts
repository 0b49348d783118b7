// The tree digest is the one a reviewer gets from coreutils, so it can be checked without runlevel.
import { symlink } from 'node:fs/promises';
import { join } from 'node:path';
import { execa } from 'execa';
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { compareTrees, digestsOnDisk, treeDigest } from '../../../core/charts/tree.js';
import { fixture, removeFixture } from '../../helpers/fixture.js';

test('the tree digest equals find | sort | sha256sum | sha256sum, the one-liner docs/charts.md gives', async () => {
  const dir = await fixture({
    'Chart.yaml': 'name: x\n',
    'templates/a b.yaml': 'kind: A\n', // a space in a name
    'templates/Z.yaml': 'kind: Z\n', // byte order: Z before a
    'charts/sub/values.yaml': '',
  });
  try {
    const { stdout } = await execa(
      'sh',
      ['-c', "find . -type f -printf '%P\\n' | LC_ALL=C sort | xargs -d '\\n' sha256sum | sha256sum"],
      { cwd: dir },
    );
    const { files, odd } = digestsOnDisk(dir);
    assert.equal(odd, []);
    assert.is(treeDigest(files), stdout.split(' ')[0]);
  } finally {
    await removeFixture(dir);
  }
});

test('a symlink is reported, never followed', async () => {
  const dir = await fixture({ 'values.yaml': 'a: 1\n' });
  try {
    await symlink('/etc/hostname', join(dir, 'link.yaml'));
    const { files, odd } = digestsOnDisk(dir);
    assert.equal([...files.keys()], ['values.yaml']);
    assert.equal(odd, [{ path: 'link.yaml', what: 'symlink' }]);
  } finally {
    await removeFixture(dir);
  }
});

test('compareTrees names what was added, removed and changed', () => {
  const recorded = new Map([
    ['a', '1'],
    ['b', '2'],
    ['c', '3'],
  ]);
  const found = new Map([
    ['a', '1'],
    ['b', '9'],
    ['d', '4'],
  ]);
  assert.equal(compareTrees(recorded, found), { added: ['d'], removed: ['c'], changed: ['b'] });
});

test.run();
