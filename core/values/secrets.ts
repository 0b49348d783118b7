// *.sops.yaml files are decrypted in memory by the pinned sops binary: the ciphertext goes in on
// stdin, the plaintext comes back on stdout, and nothing decrypted is ever written to a file.
import { existsSync } from 'node:fs';
import { homedir } from 'node:os';
import { basename, join } from 'node:path';
import { UserError } from '../shared/errors.js';
import { run } from '../shared/exec.js';
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
  const r = await run('sops', ['--decrypt', '--input-type', 'yaml', '--output-type', 'yaml', '/dev/stdin'], {
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
  const noKey = /failed to get the data key|no identity matched|0 successful groups/i.test(stderr);
  const reason = noKey
    ? ageKeyFile
      ? `the age key in ${ageKeyFile} is not one of its recipients`
      : 'no age key was given'
    : /mac mismatch/i.test(stderr)
      ? 'the file was changed after it was encrypted (MAC mismatch)'
      : /sops metadata not found|no sops metadata/i.test(stderr)
        ? 'it has no sops metadata (is it encrypted?)'
        : firstErrorLine(stderr);
  const hint = noKey
    ? 'pass --age-key-file (or RUNLEVEL_AGE_KEY_FILE) with the key this repo was encrypted to'
    : 'restore the file from git, or re-create it with `sops --encrypt`';
  return new UserError(`cannot decrypt ${file}: ${reason}`, { exitCode: ExitCode.invalid, hint });
}

function firstErrorLine(stderr: string): string {
  const line = stderr
    .split('\n')
    .map((l) => l.trim())
    .find((l) => l.length > 0);
  return line ? line.replace(/^error:?\s*/i, '').slice(0, 200) : 'sops failed';
}

/** Every string leaf of a decrypted tree: masked in all later output. */
export function secretLeaves(value: Value | undefined, out: string[] = []): string[] {
  if (typeof value === 'string') {
    if (value.length > 0) out.push(value);
  } else if (typeof value === 'number' || typeof value === 'boolean') {
    // short scalars (ports, flags) are not worth masking everywhere
  } else if (Array.isArray(value)) for (const v of value) secretLeaves(v, out);
  else if (isMap(value)) for (const k of Object.keys(value)) secretLeaves(value[k] as Value, out);
  return out;
}

export function registerSecrets(secrets: readonly string[]): void {
  for (const s of secrets) log.redact(s);
}
