// The bad-input corpus: inputs a careful user or an attacker would try, each a small inline values
// repo (over the harness's base repo, with real sops secrets), the command, and what must come out:
// the exit code, the place (file:line:col, or the flag at fault), the message, no stack trace, no
// "this is a bug", nothing on stdout, and no plaintext secret anywhere. Kinds: crashes that became
// problems at their place, silent acceptance that became an error (or a warning), smaller ones.

import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { ExitCode } from '../../../core/shared/exit-codes.js';
import { type Case, mkfifo, runCorpus } from '../../helpers/bad-input.js';
import { plaintextSecrets } from '../../helpers/values-harness.js';
import { hostile } from './bad-input-hostile.js';

const app = (body: string) => `image:\n  repository: docker.io/library/nginx\n  tag: "1.27.3"\n${body}`;
const deepFlow = (n: number) => `values:\n  x: ${'['.repeat(n)}${']'.repeat(n)}\n`;
const deepBlock = (n: number) =>
  Array.from({ length: n }, (_, i) => `${'  '.repeat(i)}k${i}:`)
    .join('\n')
    .concat(' 1\n');

const crashes: Record<string, Case> = {
  'deep flow nesting past what the parser can hold': {
    files: { 'common/apps/web.yaml': app(deepFlow(5000)) },
    code: 2,
    where: /^common\/apps\/web\.yaml:5:\d+$/,
    message: 'invalid YAML: nested too deeply to read',
  },
  'flow nesting past the depth limit': {
    files: { 'common/apps/web.yaml': app(deepFlow(150)) },
    code: 2,
    where: /^common\/apps\/web\.yaml:5:\d+$/,
    message: 'nested deeper than 100 levels',
  },
  'block nesting past the depth limit': {
    files: { 'common/apps/web.yaml': app(`values:\n${deepBlock(120).replace(/^/gm, '  ')}`) },
    code: 2,
    where: /^common\/apps\/web\.yaml:10[0-9]:\d+$/,
    message: 'nested deeper than 100 levels',
  },
  'flow maps nested past the depth limit': {
    files: { 'common/apps/web.yaml': app(`values: ${'{a: '.repeat(130)}1${'}'.repeat(130)}\n`) },
    code: 2,
    where: /^common\/apps\/web\.yaml:4:\d+$/,
    message: 'nested deeper than 100 levels',
  },
  'deep nesting in runlevel.yaml': {
    files: {
      'runlevel.yaml': `core: "0.1.0"\nclusters:\n  dev:\n    environment: dev\nx: ${'['.repeat(200)}${']'.repeat(200)}\ncontract: 2\n`,
    },
    code: 2,
    where: /^runlevel\.yaml:5:\d+$/,
    message: 'nested deeper than 100 levels',
  },
  'an alias inside the list it names': {
    files: { 'common/apps/web.yaml': app('values:\n  loop: &a [1, *a]\n') },
    code: 2,
    where: 'common/apps/web.yaml:5:16',
    message: 'alias *a is used inside the node it names',
  },
  'an alias inside the map it names, two levels down': {
    files: { 'common/teams/alpha.yaml': 'apps: [web]\nquota: &q\n  nested:\n    again: *q\n' },
    code: 2,
    where: 'common/teams/alpha.yaml:4:12',
    message: 'alias *q is used inside the node it names',
  },
  'an alias cycle in runlevel.yaml': {
    files: {
      'runlevel.yaml':
        'core: "0.1.0"\nclusters: &c\n  dev:\n    environment: dev\n    more: *c\ncontract: 2\n',
    },
    code: 2,
    where: 'runlevel.yaml:5:11',
    message: 'alias *c is used inside the node it names',
  },
  'a FIFO named like a values file (reading it would block forever)': {
    prepare(repo) {
      mkfifo(join(repo, 'common/teams/beta.yaml'));
    },
    code: 2,
    where: 'common/teams/beta.yaml:1:1',
    message: 'is not a regular file',
  },
  'template --out under a file': {
    args: ['template', '--cluster', 'dev', '--out', 'runlevel.yaml/rendered'],
    code: 2,
    where: '--out runlevel.yaml/rendered',
    message: 'runlevel.yaml is a file, so nothing can be created under it',
  },
  'template --out into /proc (it used to hang)': {
    args: ['template', '--cluster', 'dev', '--out', '/proc/runlevel-render'],
    code: 2,
    where: '--out /proc/runlevel-render',
    message: 'is in /proc, a kernel file system',
  },
  'template --out onto a file': {
    args: ['template', '--cluster', 'dev', '--out', 'common/settings.yaml'],
    code: 2,
    where: '--out common/settings.yaml',
    message: 'exists and is not a directory',
  },
  'template --out onto a directory that is not a render': {
    args: ['template', '--cluster', 'dev', '--out', 'common'],
    code: 2,
    where: '--out common',
    message: 'is not empty and holds no earlier render',
  },
};

const silent: Record<string, Case> = {
  'replicas past int32 (was deployed as 0)': {
    files: { 'common/apps/web.yaml': app('replicas: 3000000000\n') },
    code: 2,
    where: 'common/apps/web.yaml:4:11',
    message: 'apps.web.replicas: must be at most 2147483647, not 3000000000',
  },
  'negative replicas': {
    files: { 'common/apps/web.yaml': app('replicas: -1\n') },
    code: 2,
    where: 'common/apps/web.yaml:4:11',
    message: 'must be at least 0, not -1',
  },
  'maxReplicas past int32': {
    files: { 'common/apps/web.yaml': app('autoscaling:\n  maxReplicas: 99999999999\n') },
    code: 2,
    where: 'common/apps/web.yaml:5:16',
    message: 'apps.web.autoscaling.maxReplicas: must be at most 2147483647',
  },
  'a CPU target over 100 percent': {
    files: { 'common/apps/web.yaml': app('autoscaling:\n  targetCPUPercent: 150\n') },
    code: 2,
    where: 'common/apps/web.yaml:5:21',
    message: 'must be at most 100, not 150',
    also: ['hint: allowed: 1 to 100'],
  },
  'an environment with no directory (--strict)': {
    files: { 'environments/dev/settings.yaml': null },
    args: ['validate', '--strict'],
    code: 2,
    where: 'runlevel.yaml:4:18',
    message: 'environment "dev" has no directory environments/dev/',
  },
  'a misspelt environment (--strict) is guessed': {
    files: { 'runlevel.yaml': 'core: "0.1.0"\nclusters:\n  dev:\n    environment: deve\ncontract: 2\n' },
    args: ['validate', '--strict'],
    code: 2,
    where: 'runlevel.yaml:4:18',
    message: 'environment "deve" has no directory environments/deve/',
    also: ['did you mean "dev"?'],
  },
  'an environment with no directory warns without --strict': {
    files: { 'environments/dev/settings.yaml': null },
    code: 0,
    where: 'runlevel.yaml:4:18',
    message: '⚠ runlevel.yaml:4:18  environment "dev" has no directory environments/dev/',
  },
  'a cluster with no directory (--strict)': {
    files: {
      'runlevel.yaml':
        'core: "0.1.0"\nclusters:\n  dev:\n    environment: dev\n  qa:\n    environment: dev\ncontract: 2\n',
    },
    args: ['validate', '--cluster', 'qa', '--strict'],
    code: 2,
    where: 'runlevel.yaml:5:3',
    message: 'cluster "qa" has no directory clusters/qa/',
  },
  'a *.yml file': {
    files: { 'common/apps/api.yml': app('') },
    code: 2,
    where: 'common/apps/api.yml:1:1',
    message: 'is not read: values files end in .yaml',
    also: ['git mv common/apps/api.yml common/apps/api.yaml'],
  },
  'a *.YAML file': {
    files: { 'common/teams/BETA.YAML': 'apps: []\n' },
    code: 2,
    where: 'common/teams/BETA.YAML:1:1',
    message: 'is not read: values files end in .yaml',
  },
  'a *.sops.yml file': {
    files: { 'clusters/dev/more.sops.yml': 'a: b\n' },
    code: 2,
    where: 'clusters/dev/more.sops.yml:1:1',
    message: 'is not read: values files end in .yaml',
  },
  'a directory named *.yaml': {
    prepare(repo) {
      mkdirSync(join(repo, 'common/teams/beta.yaml'));
      writeFileSync(join(repo, 'common/teams/beta.yaml/apps.yaml'), 'apps: [web]\n');
    },
    code: 2,
    where: 'common/teams/beta.yaml:1:1',
    message: 'is a directory, not a values file',
  },
  'an unknown tag (!vault)': {
    files: { 'common/settings.yaml': 'cluster:\n  domain: !vault secret/data/domain\n' },
    code: 2,
    where: 'common/settings.yaml:2:11',
    message: 'unknown YAML tag !vault',
    also: ['a secret belongs in a *.sops.yaml file'],
  },
  'an unknown tag on a map': {
    files: { 'common/apps/web.yaml': 'image: !image\n  repository: docker.io/library/nginx\n  tag: "1"\n' },
    code: 2,
    where: 'common/apps/web.yaml:1:8',
    message: 'unknown YAML tag !image',
  },
  'an unknown tag in runlevel.yaml': {
    files: { 'runlevel.yaml': 'core: !semver "0.1.0"\nclusters:\n  dev:\n    environment: dev\n' },
    code: 2,
    where: 'runlevel.yaml:1:7',
    message: 'unknown YAML tag !semver',
  },
  'a YAML 1.1 tag (!!binary)': {
    files: { 'common/apps/web.yaml': app('values:\n  blob: !!binary aGVsbG8=\n') },
    code: 2,
    where: 'common/apps/web.yaml:5:18',
    message: 'unsupported YAML tag !!binary',
  },
  'a set (!!set)': {
    files: { 'common/teams/alpha.yaml': 'apps: !!set {web}\n' },
    code: 2,
    where: 'common/teams/alpha.yaml:1:13',
    message: 'unsupported YAML tag !!set',
  },
  'a timestamp (!!timestamp)': {
    files: { 'common/apps/web.yaml': app('values:\n  at: !!timestamp 2025-01-01\n') },
    code: 2,
    where: 'common/apps/web.yaml:5:19',
    message: 'unsupported YAML tag !!timestamp',
  },
  'a NUL byte in a file': {
    files: { 'common/teams/alpha.yaml': Buffer.from('apps: [web]\nmembers: []\n# x\u0000y\n') },
    code: 2,
    where: 'common/teams/alpha.yaml:3:4',
    message: 'holds a NUL byte',
    also: ['> 3 | # x\u2400y'],
  },
  'a NUL escape in a value': {
    files: { 'common/apps/web.yaml': 'image:\n  repository: "docker.io/library/nginx\\0"\n  tag: "1"\n' },
    code: 2,
    where: 'common/apps/web.yaml:2:15',
    message: 'holds the control character U+0000 (NUL)',
  },
  'a bell escape in a key': {
    files: { 'common/apps/web.yaml': app('values:\n  "a\\x07b": 1\n') },
    code: 2,
    where: 'common/apps/web.yaml:5:3',
    message: 'holds the control character U+0007',
  },
  'two teams whose <team>-<app> release names collide': {
    files: {
      'common/teams/alpha.yaml': 'apps: [web-api]\n',
      'common/teams/alpha-web.yaml': 'apps: [api]\n',
      'common/apps/web-api.yaml': app(''),
      'common/apps/api.yaml': app(''),
    },
    code: 2,
    where: 'common/teams/alpha.yaml:1:8',
    message:
      'release name "alpha-web-api" (team alpha, app web-api) is also the release of team alpha-web, app api (common/teams/alpha-web.yaml:1:8)',
  },
  'a secret in a plain file': {
    files: {
      'common/settings.yaml': `cluster:\n  domain: dev.example.com\nplatform:\n  sso:\n    adminPassword: ${plaintextSecrets[0]}\n`,
    },
    code: 2,
    where: 'common/settings.yaml:5:20',
    message: 'platform.sso.adminPassword: is a secret: it must not be in a plain file',
    secretInRepo: true,
    also: ['`sops encrypt --in-place common/settings.sops.yaml`', '> 5 |     adminPassword: ***'],
  },
  'a secret in a plain file overridden by a sops file is still in git': {
    files: {
      'clusters/dev/settings.yaml': `platform:\n  registry:\n    pullSecret: { password: "${plaintextSecrets[1]}" }\n`,
    },
    code: 2,
    where: 'clusters/dev/settings.yaml:3:29',
    message: 'platform.registry.pullSecret.password: is a secret',
    secretInRepo: true,
    also: ['`sops encrypt --in-place clusters/dev/settings.sops.yaml`'],
  },
  'a secret in a plain file beside its encrypted twin': {
    files: {
      'clusters/dev/secrets.yaml': `platform:\n  sso:\n    adminPassword: ${plaintextSecrets[0]}\n`,
    },
    code: 2,
    where: 'clusters/dev/secrets.yaml:3:20',
    message: 'is a secret: it must not be in a plain file',
    secretInRepo: true,
    also: ['`sops edit clusters/dev/secrets.sops.yaml`'],
  },
  "a chart schema's 'not' says what is not allowed": {
    files: { 'common/apps/web.yaml': 'image:\n  repository: docker.io/library/nginx\n  tag: latest\n' },
    args: ['template', '--cluster', 'dev', '--selector', 'app=web'],
    code: ExitCode.renderFailed,
    where: 'common/apps/web.yaml:3:8',
    message: 'apps.web.image.tag: must not be "latest" (chart value /image/tag)',
  },
  'status --deploys abc': {
    args: ['status', '--cluster', 'dev', '--deploys', 'abc'],
    code: 2,
    where: '--deploys abc',
    message: 'is not a whole number',
  },
};

const smaller: Record<string, Case> = {
  'CI=woodpecker starts (each CI sets CI to its own value)': {
    env: { CI: 'woodpecker' },
    code: 0,
    where: '',
    message: '✔ dev: values valid',
  },
  'a 3 MB line is not echoed whole into the frame': {
    files: {
      'common/settings.yaml': `cluster:\n  domain: dev.example.com\nnotes: ${'x'.repeat(3_000_000)}\n`,
    },
    code: 2,
    where: 'common/settings.yaml:3:1',
    message: 'unknown key "notes"',
    also: [/> 3 \| notes: x{100,130}…\n/],
  },
  'an over-indented key points at its own line, not the one above': {
    files: { 'common/apps/web.yaml': app('port: 8080\n  replicas: 3\n') },
    code: 2,
    where: 'common/apps/web.yaml:5:3',
    message: 'this line is indented under a key that already has a value',
  },
  'an unclosed quote points at where it opens': {
    files: { 'common/apps/web.yaml': 'image:\n  repository: "docker.io/library/nginx\n  tag: x\n' },
    code: 2,
    where: 'common/apps/web.yaml:2:15',
    message: 'this quoted string is never closed',
  },
  'a second document gives no library advice': {
    files: { 'common/apps/web.yaml': `${app('')}---\nreplicas: 2\n` },
    code: 2,
    where: 'common/apps/web.yaml:4:1',
    message: 'a second YAML document starts here: a values file holds exactly one document',
  },
  'content after a document end marker': {
    files: { 'common/teams/alpha.yaml': 'apps: [web]\n...\nmembers: []\n' },
    code: 2,
    where: /^common\/teams\/alpha\.yaml:[23]:1$/,
    message: 'a second YAML document starts here',
  },
  'a tab used for indentation': {
    files: { 'common/teams/alpha.yaml': 'apps:\n\t- web\n' },
    code: 2,
    where: 'common/teams/alpha.yaml:2:1',
    message: 'invalid YAML: Tabs are not allowed as indentation',
  },
  'a file over 4 MiB': {
    files: { 'common/teams/alpha.yaml': `apps: [web]\n# ${'x'.repeat(4 * 1024 * 1024)}\n` },
    code: 2,
    where: 'common/teams/alpha.yaml:1:1',
    message: 'is larger than 4 MiB',
  },
};

/** The corpus must stay at least this large: 40 cases beyond the golden set. */
const all = { ...crashes, ...silent, ...smaller, ...hostile };

test('the corpus holds at least 40 cases', () => {
  assert.ok(Object.keys(all).length >= 40, `${Object.keys(all).length} cases`);
});

runCorpus(all);
test.run();
