// Every bad input of the values engine, run through the real CLI with real sops-encrypted secrets:
// the exact output is a golden file, and afterwards no secret plaintext is anywhere.

import { readFileSync, realpathSync, symlinkSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import {
  assertCleanFailure,
  assertGolden,
  assertNoPlaintext,
  cli,
  goldenText,
  removeSandbox,
  type Sandbox,
  sandbox,
  sandboxDir,
  valuesRepo,
} from '../../helpers/values-harness.js';

interface Case {
  files?: Record<string, string | Buffer | null>;
  args?: string[];
  env?: (sb: Sandbox) => Record<string, string>;
  prepare?: (repo: string, sb: Sandbox) => void;
  code: number;
}

const billionLaughs = [
  'a: &a [x, x, x, x, x, x, x, x, x, x]',
  'b: &b [*a, *a, *a, *a, *a, *a, *a, *a, *a, *a]',
  'c: &c [*b, *b, *b, *b, *b, *b, *b, *b, *b, *b]',
  'd: &d [*c, *c, *c, *c, *c, *c, *c, *c, *c, *c]',
  'e: &e [*d, *d, *d, *d, *d, *d, *d, *d, *d, *d]',
  'f: [*e, *e, *e, *e, *e, *e, *e, *e, *e, *e]',
  '',
].join('\n');

const cases: Record<string, Case> = {
  valid: { code: 0 },
  'values-show-origin': { args: ['values', '--cluster', 'dev', '--show-origin'], code: 0 },
  'values-json': { args: ['values', '--cluster', 'dev', '-o', 'json'], code: 0 },
  'malformed-yaml': {
    files: {
      'common/teams/alpha.yaml': 'members:\n  - name: alice@example.com\n    role: admin\n  apps: [web\n',
    },
    code: 2,
  },
  'duplicate-keys': {
    files: {
      'common/apps/web.yaml':
        'image:\n  repository: docker.io/library/nginx\n  tag: "1.27.3"\nreplicas: 2\nreplicas: 3\n',
    },
    code: 2,
  },
  'wrong-types': {
    files: {
      'common/apps/web.yaml':
        'image:\n  repository: docker.io/library/nginx\n  tag: 1.27\nreplicas: two\nport: 70000\n',
      'clusters/dev/teams/alpha.yaml':
        'quota:\n  pods: many\nmembers:\n  - name: bob@example.com\n    role: owner\n',
    },
    code: 2,
  },
  'unknown-keys': {
    files: {
      'environments/dev/settings.yaml':
        'platfrom:\n  ingress: {}\nplatform:\n  ingress:\n    clasName: traefik\n',
      'common/teams/alpha.yaml': 'member:\n  - name: alice@example.com\napps: [web]\n',
    },
    code: 2,
  },
  'missing-required': {
    files: {
      'common/settings.yaml':
        'platform:\n  registry:\n    pullSecret:\n      enabled: true\n      username: robot\n',
      'common/apps/web.yaml': 'image:\n  repository: docker.io/library/nginx\nreplicas: 1\n',
    },
    code: 2,
  },
  'bad-team-name': { files: { 'common/teams/Team_A.yaml': 'apps: [web]\n' }, code: 2 },
  'alias-bomb': { files: { 'common/apps/web.yaml': `${billionLaughs}` }, code: 2 },
  'non-utf8': {
    files: {
      'common/teams/alpha.yaml': Buffer.concat([
        Buffer.from('members:\n  - name: alice@example.com\n    role: adm'),
        Buffer.from([0xff, 0xfe]),
        Buffer.from('in\n'),
      ]),
    },
    code: 2,
  },
  'symlink-escape': {
    prepare(repo, sb) {
      const outside = sandboxDir(sb, 'runlevel-outside-');
      writeFileSync(join(outside, 'beta.yaml'), 'apps: [web]\n');
      symlinkSync(join(outside, 'beta.yaml'), join(repo, 'common/teams/beta.yaml'));
    },
    code: 2,
  },
  'path-escape': {
    files: {
      'runlevel.yaml': 'core: "0.1.0"\nclusters:\n  dev:\n    environment: ../../../etc\ncontract: 2\n',
    },
    code: 2,
  },
  'empty-file': { files: { 'common/teams/beta.yaml': '', 'environments/dev/settings.yaml': '' }, code: 0 },
  'unknown-cluster': { args: ['validate', '--cluster', 'prdo'], code: 2 },
  'missing-age-key': { env: () => ({ RUNLEVEL_AGE_KEY_FILE: '' }), code: 2 },
  'wrong-age-key': {
    env: (sb) => {
      const other = join(sb.home, 'other.key');
      writeFileSync(
        other,
        readFileSync(sb.keyFile, 'utf8').replace(
          /AGE-SECRET-KEY-1\w+/,
          'AGE-SECRET-KEY-1GFPYYSJZGFPYYSJZGFPYYSJZGFPYYSJZGFPYYSJZGFPYYSJZGFPQ4EGAEX',
        ),
      );
      return { RUNLEVEL_AGE_KEY_FILE: other };
    },
    code: 2,
  },
  'corrupted-secret': {
    prepare(repo) {
      const file = join(repo, 'clusters/dev/secrets.sops.yaml');
      const text = readFileSync(file, 'utf8');
      writeFileSync(
        file,
        text.replace(
          /(adminPassword: ENC\[AES256_GCM,data:)(.)/,
          (_m, p, c) => `${p}${c === 'A' ? 'B' : 'A'}`,
        ),
      );
    },
    code: 2,
  },
  'secret-typo': {
    files: {
      'clusters/dev/extra.sops.yaml': 'platform:\n  sso:\n    adminPasword: sso-admin-Pa55word-8f3k2\n',
    },
    code: 2,
  },
  'cross-field': {
    files: {
      'common/teams/alpha.yaml': 'apps: [web, wbe]\n',
      'common/apps/web.yaml': [
        'image:',
        '  repository: registry.evil.example/nginx',
        '  tag: "1.27.3"',
        'ingress:',
        '  enabled: true',
        '  host: web.other.example.org',
        'autoscaling:',
        '  minReplicas: 6',
        '  maxReplicas: 3',
        '',
      ].join('\n'),
      'environments/dev/settings.yaml':
        'platform:\n  policies:\n    privileged:\n      exceptions:\n        teams: [alpah]\n',
    },
    code: 2,
  },
  'release-name-too-long': {
    files: {
      'common/teams/observability-and-reliability.yaml': 'apps: [web, long-running-metrics-exporter]\n',
      'common/apps/long-running-metrics-exporter.yaml':
        'image:\n  repository: docker.io/library/nginx\n  tag: "1.27.3"\n',
    },
    code: 2,
  },
  'all-clusters-at-once': {
    files: {
      'runlevel.yaml':
        'core: "0.1.0"\nclusters:\n  dev:\n    environment: dev\n  prod:\n    environment: prod\ncontract: 2\n',
      'environments/prod/settings.yaml': 'cluster:\n  provider: metal\n',
      'clusters/prod/settings.yaml': 'cluster:\n  domain: prod.example.com\n',
      'clusters/prod/teams/alpha.yaml': 'quota:\n  cpu: lots\n',
      'clusters/dev/settings.yaml': 'cluster:\n  kubernetesVersion: 1.35\n',
    },
    code: 2,
  },
};

let sb: Sandbox;
test.before(async () => {
  sb = await sandbox();
});
test.after(() => removeSandbox(sb));

for (const [name, c] of Object.entries(cases)) {
  test(`golden: ${name}`, async () => {
    const repo = await valuesRepo(sb, c.files);
    c.prepare?.(repo, sb);
    const args = c.args ?? ['validate'];
    const r = await cli(sb, repo, args, c.env?.(sb));
    if (c.code !== 0) assertCleanFailure(r, c.code);
    else assert.is(r.code, 0, r.stderr);
    assertNoPlaintext(r, repo, sb.home);
    assertGolden(name, goldenText(args, r, sb, realpathSync(repo)));
  });
}

test('values on bad input prints nothing on stdout', async () => {
  const repo = await valuesRepo(sb, cases['wrong-types']?.files);
  const r = await cli(sb, repo, ['values', '--cluster', 'dev']);
  assertCleanFailure(r);
  assertNoPlaintext(r, repo, sb.home);
});

test.run();
