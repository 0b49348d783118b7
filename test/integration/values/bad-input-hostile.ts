// Corpus cases of issue 19 (items 3 and 4), run by bad-input.test.ts: a crafted bundle index, a
// mirror that is no registry host, chart archives with links, a corrupt nested archive or a bomb,
// unbounded durations, a missing TMPDIR, and plaintext secrets where git would commit them.
import { execFileSync } from 'node:child_process';
import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { gzipSync } from 'node:zlib';
import { create } from 'tar';
import type { Case } from '../../helpers/bad-input.js';
import { chartFiles, type TarLink, tgz } from '../../helpers/tgz.js';
import { plaintextSecrets } from '../../helpers/values-harness.js';

/** A bundle tar holding only this runlevel-bundle.json (what inspect and push read first). */
function crafted(index: string) {
  return (repo: string) => {
    mkdirSync(join(repo, 'b'));
    writeFileSync(join(repo, 'b/runlevel-bundle.json'), index);
    create({ sync: true, file: join(repo, 'crafted.tar'), cwd: join(repo, 'b') }, ['runlevel-bundle.json']);
  };
}

const image = (digest: string) =>
  JSON.stringify({
    format: 'runlevel-bundle/v1',
    created: '2026-12-07T00:00:00Z',
    cluster: 'dev',
    coreVersion: '0.1.0',
    total: 1,
    images: [
      {
        source: 'a',
        target: 'a',
        digest: JSON.parse(digest),
        mediaType: 'm',
        size: 1,
        core: false,
        layout: '.',
      },
    ],
  });

const vendor = [
  'charts',
  'vendor',
  'chart.tgz',
  '--source',
  'https://charts.example.test/hello',
  '--charts-dir',
  'vendored',
];
function archive(files: Record<string, string | Buffer | TarLink>) {
  return (repo: string) => {
    mkdirSync(join(repo, 'vendored'));
    writeFileSync(join(repo, 'chart.tgz'), tgz(files));
  };
}

function git(repo: string, ...args: string[]): void {
  execFileSync('git', args, { cwd: repo, stdio: 'ignore' });
}
const secretManifest = `apiVersion: v1\nkind: Secret\nmetadata:\n  name: sso\nstringData:\n  password: ${plaintextSecrets[0]}\n`;

export const hostile: Record<string, Case> = {
  'bundle inspect of an index that is null': {
    prepare: crafted('null'),
    args: ['bundle', 'inspect', 'crafted.tar'],
    code: 8,
    where: '',
    message: 'runlevel-bundle.json is not a bundle index runlevel made (1 problem)',
    also: ['runlevel-bundle.json: is null, expected object', 'make it again with `runlevel bundle create`'],
  },
  'bundle inspect of an index without images': {
    prepare: crafted(
      '{"format":"runlevel-bundle/v1","created":"x","cluster":"dev","coreVersion":"0.1.0","total":0}',
    ),
    args: ['bundle', 'inspect', 'crafted.tar'],
    code: 8,
    where: '',
    message: 'runlevel-bundle.json: missing "images"',
  },
  'bundle push --insecure-skip-verify of an index with a null digest': {
    prepare: crafted(image('null')),
    args: ['bundle', 'push', 'crafted.tar', '--to', '127.0.0.1:1', '--insecure-skip-verify'],
    code: 8,
    where: '',
    message: 'runlevel-bundle.json images[0].digest: is null, expected string',
  },
  'bundle push of an index whose layout climbs out of the bundle': {
    prepare: crafted(image(`"sha256:${'0'.repeat(64)}"`).replace('"layout":"."', '"layout":"../../etc"')),
    args: ['bundle', 'push', 'crafted.tar', '--to', '127.0.0.1:1', '--insecure-skip-verify'],
    code: 8,
    where: '',
    message: 'runlevel-bundle.json images[0].layout: must be one of [".","core"]',
  },
  'bundle push --to a URL': {
    args: ['bundle', 'push', 'crafted.tar', '--to', 'https://mirror.example.com'],
    code: 2,
    where: '--to "https://mirror.example.com"',
    message: 'is a URL; a mirror is a registry host without https://: mirror.example.com',
    also: ['platform.registry.mirror'],
  },
  'bundle push --to with a space': {
    args: ['bundle', 'push', 'crafted.tar', '--to', 'mirror example.com'],
    code: 2,
    where: '--to "mirror example.com"',
    message: 'contains white space',
  },
  'RUNLEVEL_BUNDLE_TO in upper case': {
    args: ['bundle', 'push', 'crafted.tar'],
    env: { RUNLEVEL_BUNDLE_TO: 'Mirror.Example.com' },
    code: 2,
    where: '',
    message:
      'RUNLEVEL_BUNDLE_TO="Mirror.Example.com" has upper case letters; registry hosts and repository paths are lower case: mirror.example.com',
  },
  'charts vendor of an archive with a symbolic link to /etc/passwd': {
    prepare: archive({
      ...chartFiles('hello', '1.0.0'),
      'hello/templates/passwd': { symlink: '../../../../etc/passwd' },
    }),
    args: vendor,
    code: 2,
    where: '',
    message:
      'chart.tgz is not a chart archive: it holds an entry that is not a regular file: hello/templates/passwd (a symbolic link → ../../../../etc/passwd)',
  },
  'charts vendor of an archive with a hard link': {
    prepare: archive({
      ...chartFiles('hello', '1.0.0'),
      'hello/values.copy': { hardlink: 'hello/values.yaml' },
    }),
    args: vendor,
    code: 2,
    where: '',
    message: 'hello/values.copy (a hard link → hello/values.yaml)',
  },
  'charts vendor of an archive with a corrupt nested charts/x.tgz': {
    prepare: archive({
      ...chartFiles('hello', '1.0.0'),
      'hello/charts/extra-1.0.0.tgz': gzipSync(Buffer.from('truncated')).subarray(0, 12),
    }),
    args: vendor,
    code: 2,
    where: '',
    message: 'its sub-chart charts/extra-1.0.0.tgz cannot be read: it is not a valid gzip file',
  },
  'charts vendor of a decompression bomb': {
    prepare: archive({
      'hello/Chart.yaml': 'name: hello\nversion: 1.0.0\n',
      'hello/zeros': Buffer.alloc(17 * 1024 * 1024),
    }),
    args: vendor,
    code: 2,
    where: '',
    message: 'chart.tgz is not a chart archive: it unpacks to more than 16 MiB (stopped there)',
  },
  'charts verify of a directory that does not exist': {
    args: ['charts', 'verify', '--charts-dir', 'no-such-dir'],
    code: 2,
    where: '',
    message: 'no charts directory at no-such-dir (--charts-dir)',
  },
  'deploy --lock-ttl 0s': {
    args: ['deploy', '--cluster', 'dev', '--lock-ttl', '0s'],
    code: 2,
    where: '--lock-ttl 0s',
    message: 'is out of range: use 10s to 1h',
    also: ['the lease is renewed every quarter of its TTL'],
  },
  'RUNLEVEL_LOCK_TTL of one second': {
    args: ['deploy', '--cluster', 'dev'],
    env: { RUNLEVEL_LOCK_TTL: '1s' },
    code: 2,
    where: '--lock-ttl 1s',
    message: 'is out of range',
  },
  'deploy --timeout past what a timer holds': {
    args: ['deploy', '--cluster', 'dev', '--timeout', '9999h'],
    code: 2,
    where: '--timeout 9999h',
    message: 'is out of range: use 1s to 24h',
  },
  'TMPDIR that does not exist': {
    env: { TMPDIR: '/nonexistent-runlevel-tmp' },
    code: 2,
    where: '',
    message:
      "TMPDIR=/nonexistent-runlevel-tmp cannot hold runlevel's private temporary directory: it does not exist",
    also: ['point TMPDIR at a writable directory'],
  },
  'values for a misspelt chart release': {
    files: { 'clusters/dev/charts/ingres.yaml': 'replicas: 2\n' },
    args: ['template', '--cluster', 'dev'],
    code: 0,
    where: '',
    message:
      'charts.ingres: no release of that name was rendered, so nothing reads these values; did you mean "ingress"?',
  },
  'template --out into the values repo, not ignored': {
    prepare: (repo) => git(repo, 'init', '-q'),
    args: ['template', '--cluster', 'dev', '--out', 'rendered'],
    code: 2,
    where: '--out rendered',
    message: 'is inside the values repo (rendered/ of',
    also: ["echo '/rendered/' >> .gitignore"],
  },
  'validate with a Secret manifest git would commit': {
    prepare: (repo) => {
      git(repo, 'init', '-q');
      mkdirSync(join(repo, 'out'));
      writeFileSync(join(repo, 'out/secret.yaml'), secretManifest);
    },
    code: 2,
    where: 'out/secret.yaml:2:7',
    message: 'a Secret manifest (Secret/sso) in plain text, not ignored by git',
    also: ["echo '/out/' >> .gitignore"],
    secretInRepo: true,
  },
  'validate with a Secret manifest already staged (the pre-commit hook)': {
    prepare: (repo) => {
      git(repo, 'init', '-q');
      writeFileSync(join(repo, 'secret.yaml'), secretManifest);
      git(repo, 'add', 'secret.yaml');
    },
    code: 2,
    where: 'secret.yaml:2:7',
    message: 'a Secret manifest (Secret/sso) in plain text, tracked by git',
    also: ['git rm --cached secret.yaml'],
    secretInRepo: true,
  },
  'validate with a decrypted copy of the secrets': {
    prepare: (repo) => {
      git(repo, 'init', '-q');
      writeFileSync(
        join(repo, 'decrypted.yaml'),
        `platform:\n  sso:\n    adminPassword: ${plaintextSecrets[0]}\n`,
      );
    },
    code: 2,
    where: 'decrypted.yaml:3:20',
    message: 'a decrypted values file (platform.sso.adminPassword) in plain text, not ignored by git',
    secretInRepo: true,
  },
  'validate with a Secret manifest git ignores': {
    prepare: (repo) => {
      git(repo, 'init', '-q');
      writeFileSync(join(repo, '.gitignore'), '/rendered/\n');
      mkdirSync(join(repo, 'rendered'));
      writeFileSync(join(repo, 'rendered/secret.yaml'), secretManifest);
    },
    code: 0,
    where: '',
    message: 'dev: values valid',
    secretInRepo: true,
  },
};
