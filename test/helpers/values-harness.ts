// Shared by the values tests: values repos with real sops-encrypted secrets, golden comparison of
// the CLI's exact output, and a scan that no secret plaintext leaked anywhere.

import {
  existsSync,
  mkdirSync,
  mkdtempSync,
  readdirSync,
  readFileSync,
  realpathSync,
  statSync,
  writeFileSync,
} from 'node:fs';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import * as assert from 'uvu/assert';
import { ageKeyFileText, generateAgeIdentity } from '../../core/values/age-key.js';
import { encrypt } from '../../core/values/secrets.js';
import { type CliResult, runCli } from './cli.js';
import { fixture } from './fixture.js';
import { assertGoldenFile } from './golden.js';

/** Plaintext secrets of the fixtures: must never show up in any output or file. */
export const plaintextSecrets = ['sso-admin-Pa55word-8f3k2', 'pull-Pa55word-q9z1x'];

export const baseRepo: Record<string, string> = {
  'runlevel.yaml': 'core: "0.1.0"\nclusters:\n  dev:\n    environment: dev\ncontract: 2\n',
  'common/settings.yaml': [
    'cluster:',
    '  domain: dev.example.com',
    'platform:',
    '  registry:',
    '    pullSecret:',
    '      enabled: true',
    '      username: robot',
    '',
  ].join('\n'),
  'common/teams/alpha.yaml': 'members:\n  - name: alice@example.com\n    role: admin\napps: [web]\n',
  'common/apps/web.yaml': 'image:\n  repository: docker.io/library/nginx\n  tag: "1.27.3"\n',
  // Without it the environment layer would be missing, which validate warns about.
  'environments/dev/settings.yaml': '# settings of every dev cluster\n',
  'clusters/dev/secrets.sops.yaml': [
    'platform:',
    '  sso:',
    `    adminPassword: ${plaintextSecrets[0]}`,
    '  registry:',
    '    pullSecret:',
    `      password: ${plaintextSecrets[1]}`,
    '',
  ].join('\n'),
};

export interface Sandbox {
  home: string; // HOME and TMPDIR of the CLI: scanned after each run
  keyFile: string;
  recipient: string;
  /** What was made for this sandbox outside HOME (its values repos): removeSandbox removes it too. */
  made: string[];
}

export async function sandbox(): Promise<Sandbox> {
  const home = await mkdtemp(join(tmpdir(), 'runlevel-home-'));
  mkdirSync(join(home, 'tmp'));
  const id = generateAgeIdentity();
  const keyFile = join(home, 'age.key');
  await writeFile(keyFile, ageKeyFileText(id), { mode: 0o600 });
  return { home, keyFile, recipient: id.recipient, made: [] };
}

/** A directory outside HOME made for this sandbox (a link target outside the repo), removed with it. */
export function sandboxDir(sb: Sandbox, prefix: string): string {
  const dir = mkdtempSync(join(tmpdir(), prefix));
  sb.made.push(dir);
  return dir;
}

/** Remove the sandbox's HOME and every values repo made for it; in `test.after`, so a failure removes them too. */
export async function removeSandbox(sb: Sandbox | undefined): Promise<void> {
  if (!sb) return;
  for (const dir of [...sb.made, sb.home]) await rm(dir, { recursive: true, force: true });
  sb.made.length = 0;
}

/**
 * A values repo: `files` over the base repo (null deletes a base file). Files ending in
 * .sops.yaml are given as plaintext and encrypted with the real sops to the sandbox's key.
 */
export async function valuesRepo(
  sb: Sandbox,
  files: Record<string, string | Buffer | null> = {},
): Promise<string> {
  const tree: Record<string, string | Buffer> = {};
  for (const [k, v] of Object.entries({ ...baseRepo, ...files })) if (v !== null) tree[k] = v;
  const secret = Object.entries(tree).filter(([k]) => k.endsWith('.sops.yaml'));
  for (const [k] of secret) delete tree[k];
  tree['.sops.yaml'] = `creation_rules:\n  - path_regex: \\.sops\\.yaml$\n    age: ${sb.recipient}\n`;
  const dir = realpathSync(await fixture(tree, 'runlevel-values-'));
  sb.made.push(dir);
  for (const [k, v] of secret) {
    const file = join(dir, k);
    mkdirSync(dirname(file), { recursive: true });
    writeFileSync(file, await encrypt(dir, k, String(v)));
  }
  return dir;
}

export async function cli(
  sb: Sandbox,
  repo: string,
  args: string[],
  env: Record<string, string> = {},
  unprivileged?: boolean,
): Promise<CliResult> {
  return runCli(args, {
    cwd: repo,
    unprivileged,
    env: {
      HOME: sb.home,
      TMPDIR: join(sb.home, 'tmp'),
      RUNLEVEL_AGE_KEY_FILE: sb.keyFile,
      XDG_CONFIG_HOME: '',
      ...env,
    },
  });
}

/** The output as a golden file holds it: paths that change per run replaced by placeholders. */
export function normalize(text: string, sb: Sandbox, repo: string): string {
  return (
    text
      .split(repo)
      .join('<repo>')
      .split(sb.home)
      .join('<home>')
      // the sandbox's key is new every run; the key lookup names its recipient
      .split(sb.recipient)
      .join('<recipient>')
      // a frame cuts a long ciphertext line short (ending in …) before its closing ]
      .replace(/ENC\[AES256_GCM,[^\]\n…]*[\]…]/g, 'ENC[…]')
  );
}

export function goldenText(args: string[], r: CliResult, sb: Sandbox, repo: string): string {
  const body = [
    `$ runlevel ${args.join(' ')}`,
    `exit ${r.code}`,
    '--- stdout',
    r.stdout,
    '--- stderr',
    r.stderr,
  ].join('\n');
  return `${normalize(body, sb, repo).trimEnd()}\n`;
}

/** Compare with test/golden/values/<name>.txt byte for byte; UPDATE_GOLDEN=1 rewrites it. */
export const assertGolden = (name: string, actual: string) => assertGoldenFile('values', name, actual);

/** No plaintext secret in the output, in the repo, in HOME or in TMPDIR. */
export function assertNoPlaintext(r: CliResult, ...dirs: string[]): void {
  for (const secret of plaintextSecrets) {
    assert.ok(!r.stdout.includes(secret), 'a plaintext secret appeared on stdout');
    assert.ok(!r.stderr.includes(secret), 'a plaintext secret appeared on stderr');
    for (const dir of dirs) {
      for (const file of walk(dir)) {
        assert.ok(!readFileSync(file).includes(secret), `a plaintext secret was written to ${file}`);
      }
    }
  }
}

function walk(dir: string): string[] {
  if (!existsSync(dir)) return [];
  const out: string[] = [];
  for (const name of readdirSync(dir)) {
    const p = join(dir, name);
    const st = statSync(p, { throwIfNoEntry: false });
    if (!st) continue;
    if (st.isDirectory()) out.push(...walk(p));
    else if (st.isFile()) out.push(p);
  }
  return out;
}

/** Bad input must fail cleanly: a user error, no stack trace, no partial data on stdout. */
export function assertCleanFailure(r: CliResult, code = 2): void {
  assert.is(r.code, code, `exit code ${r.code}, expected ${code}\n${r.stderr}`);
  assert.ok(!/\n\s+at .+:\d+:\d+\)?\n/.test(r.stderr), `stack trace in stderr:\n${r.stderr}`);
  assert.ok(!r.stderr.includes('this is a bug'), `reported as a bug:\n${r.stderr}`);
  assert.is(r.stdout, '', 'partial output on stdout');
}
