// *.sops.yaml files are decrypted in memory by the pinned sops binary: the ciphertext goes in on
// stdin, the plaintext comes back on stdout, and nothing decrypted is ever written to a file.
import { existsSync } from 'node:fs';
import { homedir } from 'node:os';
import { basename, join } from 'node:path';
import { UserError } from '../shared/errors.js';
import { ExitCode } from '../shared/exit-codes.js';
import { log } from '../shared/log.js';
import { isMap, type Value } from './model.js';

/** Where `runlevel init` writes a repo's age key: outside the repo, per repo name. */
export function defaultAgeKeyFile(repoRoot: string): string {
  const base = process.env.XDG_CONFIG_HOME || join(homedir(), '.config');
  return join(base, 'runlevel', 'age', `${basename(repoRoot)}.key`);
}

/** The key to use: the configured one, else the repo's default key when it exists. */
export function chooseAgeKeyFile(configured: string | undefined, repoRoot: string): string | undefined {
  if (configured) return configured;
  const fallback = defaultAgeKeyFile(repoRoot);
  return existsSync(fallback) ? fallback : undefined;
}

/** Decrypt one file's ciphertext; `file` only names it in errors. Returns the plaintext YAML. */
export async function decrypt(
  file: string,
  ciphertext: string,
  ageKeyFile: string | undefined,
): Promise<string> {
  if (ageKeyFile && !existsSync(ageKeyFile)) {
    throw new UserError(`cannot decrypt ${file}: the age key file ${ageKeyFile} does not exist`, {
      hint: 'pass --age-key-file (or RUNLEVEL_AGE_KEY_FILE) pointing at the key `runlevel init` printed',
    });
  }
  const env: Record<string, string> = { SOPS_DISABLE_VERSION_CHECK: '1' };
  if (ageKeyFile) env.SOPS_AGE_KEY_FILE = ageKeyFile;
  // `sops decrypt --filename-override F` without a file argument reads stdin itself; /dev/stdin
  // cannot be opened here because Node gives the child a socket, not a pipe.
  const args = ['decrypt', '--input-type', 'yaml', '--output-type', 'yaml', '--filename-override', file];
  // Imported here: execa is heavy and most runs decrypt nothing.
  const { run } = await import('../shared/exec.js');
  const r = await run('sops', args, {
    input: ciphertext,
    env,
    reject: false,
    timeoutMs: 60_000,
    exitCode: ExitCode.invalid,
  });
  if (r.failed) throw decryptError(file, String(r.stderr ?? ''), ageKeyFile);
  return String(r.stdout);
}

function decryptError(file: string, stderr: string, ageKeyFile: string | undefined): UserError {
  const keyHint = 'pass --age-key-file (or RUNLEVEL_AGE_KEY_FILE) with the key this repo was encrypted to';
  const fileHint = 'restore the file from git, or re-create it with `sops --encrypt`';
  const flat = stderr.replace(/\s*\|\s*/g, ' ');
  let reason: string;
  let hint = fileHint;
  if (/failed to parse .*age identities/i.test(flat)) {
    [reason, hint] = [
      `the age key file ${ageKeyFile ?? ''} does not hold an age identity`.replace('  ', ' '),
      keyHint,
    ];
  } else if (/did not match any of the recipients/i.test(flat)) {
    [reason, hint] = [
      `the age key ${ageKeyFile ?? ''} is not one of its recipients`.replace('  ', ' '),
      keyHint,
    ];
  } else if (/failed to load age identities|failed to get the data key/i.test(flat)) {
    [reason, hint] = ['no age key was found to decrypt it', keyHint];
  } else if (/message authentication failed|mac mismatch/i.test(flat)) {
    reason = 'it is corrupted: its content does not match its authentication tag (edited without sops?)';
  } else if (/sops metadata not found/i.test(flat)) {
    reason = 'it is not encrypted (no sops metadata)';
  } else {
    reason = `it is damaged (sops: ${firstErrorLine(stderr)})`;
  }
  return new UserError(`cannot decrypt ${file}: ${reason}`, { exitCode: ExitCode.invalid, hint });
}

function firstErrorLine(stderr: string): string {
  const line = stderr
    .split('\n')
    .map((l) => l.trim())
    .find((l) => l.length > 0);
  return line ? line.replace(/^error:?\s*/i, '').slice(0, 200) : 'sops failed';
}

/**
 * Every string and number leaf of a decrypted tree, as text: masked in all later output (a number
 * too: a PIN is a secret; the mask also knows the float string helm may print for it). Booleans
 * cannot be masked without masking every "true".
 */
export function secretLeaves(value: Value | undefined, out: string[] = []): string[] {
  if (typeof value === 'string') {
    if (value.length > 0) out.push(value);
  } else if (typeof value === 'number') {
    out.push(String(value));
  } else if (typeof value === 'boolean') {
    // not maskable
  } else if (Array.isArray(value)) for (const v of value) secretLeaves(v, out);
  else if (isMap(value)) for (const k of Object.keys(value)) secretLeaves(value[k] as Value, out);
  return out;
}

export function registerSecrets(secrets: readonly string[]): void {
  for (const s of secrets) log.redact(s);
}

/**
 * Encrypt plaintext YAML for `file` (relative to repoRoot) by the creation rule of the repo's
 * .sops.yaml. The plaintext goes in on stdin; only the ciphertext comes back.
 */
export async function encrypt(repoRoot: string, file: string, plaintext: string): Promise<string> {
  const { run } = await import('../shared/exec.js');
  const r = await run('sops', ['encrypt', '--filename-override', file], {
    cwd: repoRoot,
    input: plaintext,
    env: { SOPS_DISABLE_VERSION_CHECK: '1' },
    reject: false,
    timeoutMs: 60_000,
  });
  if (r.failed) {
    throw new UserError(`cannot encrypt ${file}: ${firstErrorLine(String(r.stderr ?? ''))}`, {
      hint: 'check the creation rule in .sops.yaml',
    });
  }
  return String(r.stdout);
}
