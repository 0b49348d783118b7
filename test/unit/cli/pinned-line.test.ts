// The exit-7 hint prints the documented `docker run` line (COMMON contract, README "Run it the
// way users do"): the pinned tag, the command's own arguments, and no host path copied into them.
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { pinnedCommandLine } from '../../../core/cli/pin.js';
import { coreRoot } from '../../../core/shared/paths.js';

const contract = [
  'docker run --rm --read-only --network host --user "$(id -u):$(id -g)" \\',
  '  -v "$PWD":/values:ro -v "$KUBECONFIG":/kube/config:ro -v ~/.config/runlevel/age:/keys:ro \\',
  '  runlevel:0.1.0 deploy --cluster dev',
].join('\n');

test('the line is the documented one, with the pinned tag and the command', () => {
  assert.is(pinnedCommandLine('0.1.0', ['deploy', '--cluster', 'dev']), contract);
});

test('the line is the README\'s own ("Run it the way users do"), character for character', () => {
  const readme = readFileSync(join(coreRoot, 'README.md'), 'utf8');
  const block = /```sh\n(docker run --rm --read-only --network host --user [^`]*?)\n```/.exec(readme)?.[1];
  assert.ok(block, 'the README shows the docker run line');
  assert.is(pinnedCommandLine('0.1.0', ['deploy', '--cluster', 'dev']), block);
});

test('flags naming host paths are mounted, never passed: --values, --kubeconfig, --age-key-file, --state-dir', () => {
  const line = pinnedCommandLine('0.1.0', [
    'deploy',
    '--values',
    '/home/ann/vals',
    '--cluster',
    'dev',
    '--kubeconfig=/home/ann/.kube/config',
    '--age-key-file',
    '/home/ann/k.key',
    '--state-dir',
    '/x',
  ]);
  assert.is(line, contract);
});

test('template --out DIR becomes a writable mount at /out', () => {
  const line = pinnedCommandLine('0.2.0', ['template', '--cluster', 'dev', '--out', 'render/dev']);
  assert.match(line, `-v ~/.config/runlevel/age:/keys:ro -v "$PWD"/render:/out \\`);
  assert.match(line, 'runlevel:0.2.0 template --cluster dev --out /out/dev');
});

test('arguments a shell would split are quoted', () => {
  assert.match(pinnedCommandLine('0.1.0', ['deploy', '--selector', 'team=a b']), "--selector 'team=a b'");
});

test.run();
