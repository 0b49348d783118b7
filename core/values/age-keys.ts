// Which age key decrypts the repo's secrets: the one whose public recipient the repo names (its
// .sops.yaml, and each encrypted file's own metadata), looked for in documented places, so a repo
// cloned under another name, or mounted at /values in the image, still finds its key. When none
// fits, the error names every place looked at and what was there (nothing, an unreadable file, keys
// for other recipients), because "no key was found" alone leaves the user guessing.
import { readdir, readFile } from 'node:fs/promises';
import { homedir } from 'node:os';
import { join } from 'node:path';
import { UserError } from '../shared/errors.js';
import { recipientOfIdentity } from './age-key.js';

/** One documented place, as the user names it. */
export interface KeyPlace {
  label: string;
  kind: 'file' | 'env' | 'dir' | 'unset';
  /** A file, or the directory whose `*.key` files are read. */
  path?: string;
  /** The key text of a variable (SOPS_AGE_KEY). */
  text?: string;
  /** For a directory: the file looked at first (the repo-name key `runlevel init` writes). */
  first?: string;
}

export type Finding =
  | { state: 'unset' }
  | { state: 'missing' }
  | { state: 'unreadable'; reason: string }
  | { state: 'empty' }
  | { state: 'keys'; recipients: string[]; identities: string[]; others: number };

/** What one file or variable held. Identities stay here, never in a message. */
export interface Candidate {
  label: string;
  file?: string;
  finding: Finding;
}

/** The key directory: RUNLEVEL_AGE_KEY_DIR (the image sets /keys), else where `init` writes keys. */
export function ageKeyDir(env: NodeJS.ProcessEnv = process.env): string {
  if (env.RUNLEVEL_AGE_KEY_DIR) return env.RUNLEVEL_AGE_KEY_DIR;
  return join(env.XDG_CONFIG_HOME || join(env.HOME || homedir(), '.config'), 'runlevel', 'age');
}

/** sops's own default key file on Linux (its age keysource: os.UserConfigDir()/sops/age/keys.txt). */
export function sopsDefaultKeyFile(env: NodeJS.ProcessEnv = process.env): string {
  const config =
    env.XDG_CONFIG_HOME ||
    (process.platform === 'darwin'
      ? join(env.HOME || homedir(), 'Library', 'Application Support')
      : join(env.HOME || homedir(), '.config'));
  return join(config, 'sops', 'age', 'keys.txt');
}

/** Every place, in the order they are tried (pure: the README's list is this function). */
export function keyPlaces(
  o: { ageKeyFile: string | undefined; repoName: string },
  env: NodeJS.ProcessEnv = process.env,
): KeyPlace[] {
  const dir = ageKeyDir(env);
  return [
    o.ageKeyFile
      ? { label: `--age-key-file ${o.ageKeyFile}`, kind: 'file', path: o.ageKeyFile }
      : { label: '--age-key-file / RUNLEVEL_AGE_KEY_FILE', kind: 'unset' },
    env.SOPS_AGE_KEY
      ? { label: 'SOPS_AGE_KEY', kind: 'env', text: env.SOPS_AGE_KEY }
      : { label: 'SOPS_AGE_KEY', kind: 'unset' },
    env.SOPS_AGE_KEY_FILE
      ? { label: `SOPS_AGE_KEY_FILE ${env.SOPS_AGE_KEY_FILE}`, kind: 'file', path: env.SOPS_AGE_KEY_FILE }
      : { label: 'SOPS_AGE_KEY_FILE', kind: 'unset' },
    {
      label: env.RUNLEVEL_AGE_KEY_DIR ? `RUNLEVEL_AGE_KEY_DIR ${dir}` : `key directory ${dir}`,
      kind: 'dir',
      path: dir,
      first: `${o.repoName}.key`,
    },
    { label: "sops's default", kind: 'file', path: sopsDefaultKeyFile(env) },
  ];
}

/** Read every place (a directory: its repo-name key first, then its other `*.key` files). */
export async function readPlaces(places: readonly KeyPlace[]): Promise<Candidate[]> {
  const out: Candidate[] = [];
  for (const p of places) {
    if (p.kind === 'unset') out.push({ label: p.label, finding: { state: 'unset' } });
    else if (p.kind === 'env') out.push({ label: p.label, finding: parseKeys(p.text ?? '') });
    else if (p.kind === 'file' && p.path)
      out.push({ label: p.label, file: p.path, finding: await readKeyFile(p.path) });
    else if (p.kind === 'dir' && p.path) out.push(...(await readKeyDir(p.label, p.path, p.first ?? '')));
  }
  return out;
}

async function readKeyDir(label: string, dir: string, first: string): Promise<Candidate[]> {
  let names: string[];
  try {
    names = (await readdir(dir)).filter((n) => n.endsWith('.key')).sort();
  } catch (err) {
    return [{ label, file: dir, finding: fsFinding(err) }];
  }
  const ordered = [first, ...names.filter((n) => n !== first)];
  const out: Candidate[] = [];
  for (const name of ordered) {
    const file = join(dir, name);
    out.push({ label: `${label}: ${name}`, file, finding: await readKeyFile(file) });
  }
  return out;
}

async function readKeyFile(file: string): Promise<Finding> {
  try {
    const text = await readFile(file, 'utf8');
    // A key file is a few lines; anything big is not one (and is not read into an error).
    return text.length > 64 * 1024 ? { state: 'empty' } : parseKeys(text);
  } catch (err) {
    return fsFinding(err);
  }
}

function fsFinding(err: unknown): Finding {
  const code = (err as NodeJS.ErrnoException).code;
  if (code === 'ENOENT' || code === 'ENOTDIR') return { state: 'missing' };
  if (code === 'EACCES' || code === 'EPERM') return { state: 'unreadable', reason: 'permission denied' };
  if (code === 'EISDIR') return { state: 'unreadable', reason: 'it is a directory' };
  return { state: 'unreadable', reason: code ?? (err as Error).message };
}

/** age's key file format: one identity a line, `#` comments; the recipient derived from each. */
export function parseKeys(text: string): Finding {
  const identities: string[] = [];
  const recipients: string[] = [];
  let others = 0;
  for (const raw of text.split('\n')) {
    const line = raw.trim();
    if (line === '' || line.startsWith('#')) continue;
    const recipient = recipientOfIdentity(line);
    if (recipient) {
      identities.push(line);
      recipients.push(recipient);
    } else if (line.startsWith('AGE-PLUGIN-')) others++;
  }
  return identities.length + others === 0
    ? { state: 'empty' }
    : { state: 'keys', recipients, identities, others };
}

/** The X25519 recipients a text names (a .sops.yaml, or an encrypted file's sops metadata). */
export function recipientsIn(text: string): string[] {
  return [...new Set(text.match(/\bage1[02-9ac-hj-np-z]{58}\b/g) ?? [])];
}

export interface Choice {
  candidate: Candidate;
  /** The identities to hand sops: the matching ones (or, with no match, plugin identities to try). */
  identities: string[];
}

/**
 * The first place holding a key for one of the recipients (pure): those of the file's own metadata
 * first (what sops decrypts with, should .sops.yaml have moved on), then those .sops.yaml names.
 * With no match, or nothing named at all, the first place with plugin identities, which only sops
 * can try.
 */
export function chooseKey(
  candidates: readonly Candidate[],
  wanted: { fromFile: readonly string[]; fromSopsYaml: readonly string[] },
): Choice | undefined {
  return (
    matching(candidates, new Set(wanted.fromFile)) ??
    matching(candidates, new Set(wanted.fromSopsYaml)) ??
    fallback(candidates, wanted.fromFile.length + wanted.fromSopsYaml.length === 0)
  );
}

function matching(candidates: readonly Candidate[], wanted: ReadonlySet<string>): Choice | undefined {
  for (const c of candidates) {
    if (c.finding.state !== 'keys') continue;
    const { identities, recipients } = c.finding;
    const matching = identities.filter((_, i) => wanted.has(recipients[i] as string));
    if (matching.length > 0) return { candidate: c, identities: matching };
  }
  return undefined;
}

function fallback(candidates: readonly Candidate[], nothingNamed: boolean): Choice | undefined {
  for (const c of candidates) {
    if (c.finding.state === 'keys' && (c.finding.others > 0 || nothingNamed))
      return { candidate: c, identities: c.finding.identities };
  }
  return undefined;
}

/** One line per place for the error: what was there. */
export function describePlaces(candidates: readonly Candidate[]): string[] {
  return candidates.map((c) => {
    const f = c.finding;
    const what =
      f.state === 'unset'
        ? 'not set'
        : f.state === 'missing'
          ? `${c.file ?? ''} does not exist`
          : f.state === 'unreadable'
            ? `${c.file ?? ''} exists but cannot be read (${f.reason})`
            : f.state === 'empty'
              ? `${c.file ? `${c.file} ` : ''}holds no age identity`
              : `holds the key of ${f.recipients.join(', ') || 'a plugin identity'}: not a recipient`;
    return `${c.label}: ${what.trim()}`;
  });
}

/** The error when no place holds a key for the file: every place, and the way out that fits. */
export function noKeyError(
  file: string,
  wanted: { fromSopsYaml: readonly string[]; fromFile: readonly string[] },
  candidates: readonly Candidate[],
  inImage: boolean,
): UserError {
  const all = [...new Set([...wanted.fromSopsYaml, ...wanted.fromFile])];
  const lines = describePlaces(candidates).map((l) => `  - ${l}`);
  const unreadable = candidates.some((c) => c.finding.state === 'unreadable');
  const hint = unreadable
    ? inImage
      ? 'a key file this user cannot read: run the container as the key’s owner, `docker run --user "$(id -u):$(id -g)" …` (never make the key readable to others)'
      : 'a key file this user cannot read: run as its owner (never make the key readable to others)'
    : inImage
      ? 'mount the directory holding the key at /keys (`-v ~/.config/runlevel/age:/keys:ro`), or pass `-e SOPS_AGE_KEY`'
      : 'pass --age-key-file FILE (or RUNLEVEL_AGE_KEY_FILE), set SOPS_AGE_KEY, or put the key into the key directory';
  return new UserError(
    `cannot decrypt ${file}: no age key for its recipient${all.length === 1 ? '' : 's'} ${all.join(', ')} ` +
      `(named by ${wanted.fromSopsYaml.length > 0 ? '.sops.yaml' : 'the file'}); looked in:\n${lines.join('\n')}`,
    { hint },
  );
}
