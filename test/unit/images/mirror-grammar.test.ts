// One grammar for platform.registry.mirror and `bundle push --to`: what it refuses, and why it says.
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { mirrorProblem } from '../../../core/shared/images/mirror.js';

test('registry hosts, ports and prefixes are mirrors', () => {
  for (const ok of [
    'mirror.example.com',
    '127.0.0.1:5000',
    'mirror.example.com:5000/platform',
    'localhost/a/b',
  ]) {
    assert.is(mirrorProblem(ok), undefined, ok);
  }
});

test('a URL, white space, upper case and odd characters are refused, each with the fix', () => {
  assert.is(
    mirrorProblem('https://mirror.example.com'),
    'is a URL; a mirror is a registry host without https://: mirror.example.com',
  );
  assert.match(mirrorProblem('oci://m.example.com/x') ?? '', 'without oci://');
  assert.match(mirrorProblem('mirror example.com') ?? '', 'contains white space');
  assert.match(mirrorProblem('mirror.example.com ') ?? '', 'contains white space');
  assert.is(
    mirrorProblem('Mirror.example.com'),
    'has upper case letters; registry hosts and repository paths are lower case: mirror.example.com',
  );
  assert.match(mirrorProblem('-mirror.example.com') ?? '', 'must be a registry host');
  assert.match(mirrorProblem('mirror.example.com:port') ?? '', 'must be a registry host');
});

test.run();
