// *.sops.yaml files are decrypted in memory by the pinned sops binary: the ciphertext goes in on
// stdin, the plaintext comes back on stdout, and nothing decrypted is ever written to a file.
import { readFile } from 'node:fs/promises';
import { basename, join } from 'node:path';
import { UserError } from '../shared/errors.js';
import { ExitCode } from '../shared/exit-codes.js';
import { log } from '../shared/log.js';
import {
  ageKeyDir,
  type Candidate,
  chooseKey,
  keyPlaces,
  noKeyError,
  readPlaces,
  recipientsIn,
} from './age-keys.js';
import { isMap, type Value } from './model.js';

/** Where `runlevel init` writes a repo's age key: outside the repo, in the key directory, per repo name. */
export function defaultAgeKeyFile(repoRoot: string, env: NodeJS.ProcessEnv = process.env): string {
  return join(ageKeyDir(env), `${basename(repoRoot)}.key`);
}

/**
 * The age keys of one values repo: the places are read once, on the first encrypted file, and each
 * file gets the key matching the recipients of the repo's .sops.yaml and of its own metadata.
 */
export class AgeKeys {
  private candidates: Promise<Candidate[]> | undefined;
  private sopsYaml: Promise<string[]> | undefined;

  constructor(
    private readonly repoRoot: string,
    private readonly ageKeyFile: string | undefined,
    private readonly env: NodeJS.ProcessEnv = process.env,
  ) {}

  /**
   * The environment of the sops child for `file`: the chosen key, and none of sops's own lookup,
   * so a stray SOPS_AGE_KEY_FILE or an unreadable default keys.txt cannot fail a decrypt that has
   * its key. Throws the user error that lists every place when no key fits.
   */
  async sopsEnv(
    file: string,
    ciphertext: string,
  ): Promise<{ env: Record<string, string | undefined>; key: string }> {
    const fromFile = recipientsIn(ciphertext.slice(ciphertext.lastIndexOf('\nsops:')));
    const { candidate, identities } = await this.choose(file, fromFile);
    // sops reads its default keys.txt under XDG_CONFIG_HOME (and fails on an unreadable one): a
    // directory that does not exist turns that off for this child only.
    const env: Record<string, string | undefined> = {
      SOPS_AGE_KEY: undefined,
      SOPS_AGE_KEY_FILE: undefined,
      SOPS_AGE_KEY_CMD: undefined,
      XDG_CONFIG_HOME: '/nonexistent/runlevel-sops-config',
    };
    // A file is handed over by path (its key never enters an environment); a variable's matching lines as text.
    if (candidate.file) env.SOPS_AGE_KEY_FILE = candidate.file;
    else env.SOPS_AGE_KEY = identities.join('\n');
    return { env, key: candidate.file ?? candidate.label };
  }

  /**
   * The identities of this repo's key as key-file text (what the sync agent's Secret carries): the
   * key chosen by the same places and recipients as a decrypt.
   */
  async keyText(): Promise<string> {
    const { identities } = await this.choose('.sops.yaml', []);
    return `${identities.join('\n')}\n`;
  }

  /** The key for `file` (named in errors) by the repo's and the file's recipients; the user error listing every place when none fits. */
  private async choose(file: string, fromFile: string[]) {
    this.candidates ??= readPlaces(
      keyPlaces({ ageKeyFile: this.ageKeyFile, repoName: basename(this.repoRoot) }, this.env),
    );
    this.sopsYaml ??= readFile(join(this.repoRoot, '.sops.yaml'), 'utf8').then(recipientsIn, () => []);
    const [candidates, fromSopsYaml] = await Promise.all([this.candidates, this.sopsYaml]);
    const choice = chooseKey(candidates, { fromFile, fromSopsYaml });
    if (!choice) {
      throw noKeyError(file, { fromSopsYaml, fromFile }, candidates, this.env.RUNLEVEL_IN_IMAGE === 'true');
    }
    return choice;
  }
}

/** The key-file text of this repo's age key (see AgeKeys.keyText). */
export function repoAgeKeyText(
  repoRoot: string,
  ageKeyFile: string | undefined,
  env: NodeJS.ProcessEnv = process.env,
): Promise<string> {
  return new AgeKeys(repoRoot, ageKeyFile, env).keyText();
}

/** Decrypt one file's ciphertext; `file` only names it in errors. Returns the plaintext YAML. */
export async function decrypt(file: string, ciphertext: string, keys: AgeKeys): Promise<string> {
  const { env, key } = await keys.sopsEnv(file, ciphertext);
  // `sops decrypt --filename-override F` without a file argument reads stdin itself; /dev/stdin
  // cannot be opened here because Node gives the child a socket, not a pipe.
  const args = ['decrypt', '--input-type', 'yaml', '--output-type', 'yaml', '--filename-override', file];
  // Imported here: execa is heavy and most runs decrypt nothing.
  const { run } = await import('../shared/exec.js');
  const r = await run('sops', args, {
    input: ciphertext,
    env: { SOPS_DISABLE_VERSION_CHECK: '1', ...env },
    reject: false,
    timeoutMs: 60_000,
    exitCode: ExitCode.invalid,
  });
  if (r.failed) throw decryptError(file, String(r.stderr ?? ''), key);
  return String(r.stdout);
}

function decryptError(file: string, stderr: string, key: string): UserError {
  const keyHint = 'pass --age-key-file (or RUNLEVEL_AGE_KEY_FILE) with the key this repo was encrypted to';
  const fileHint = 'restore the file from git, or re-create it with `sops --encrypt`';
  const flat = stderr.replace(/\s*\|\s*/g, ' ');
  let reason: string;
  let hint = fileHint;
  if (/failed to parse .*age identities/i.test(flat)) {
    [reason, hint] = [`the age key ${key} does not hold an age identity`, keyHint];
  } else if (/did not match any of the recipients/i.test(flat)) {
    [reason, hint] = [`the age key ${key} is not one of its recipients`, keyHint];
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
