// The migrate stage: read every layer (sops files decrypted in memory) → migrate (pure, apply.ts)
// → re-encrypt the changed sops files change by change → validate a copy against the new schema →
// write and commit, runlevel.yaml's contract moved in the same commit.
import { existsSync } from 'node:fs';
import { cp, mkdir, readFile, writeFile } from 'node:fs/promises';
import { basename, dirname, join } from 'node:path';
import { parse } from 'yaml';
import { UserError } from '../shared/errors.js';
import { ExitCode } from '../shared/exit-codes.js';
import { imageLockFile } from '../shared/images/lock.js';
import { withScratchDir } from '../shared/scratch.js';
import { contractVersion, repoContract } from '../values/contract.js';
import { ValuesRepo } from '../values/index.js';
import { readRepoFile, repoFileName } from '../values/repo.js';
import { AgeKeys, decrypt } from '../values/secrets.js';
import { type MigratedFile, migrateFiles, pending, setContract } from './apply.js';
import { readLayerFiles } from './files.js';
import { migrations as all } from './migrations/index.js';
import { reencrypt, sopsOps } from './sops.js';
import type { Migration } from './types.js';

export { migrateFiles, pending } from './apply.js';
export { unifiedDiff } from './diff.js';
export type * from './types.js';

export interface MigrateOptions {
  valuesDir: string;
  /** Contract version to go to; default: this core's. */
  to?: number;
  ageKeyFile?: string;
}

/** One file as migrate changes it: texts as people read them, and what is written. */
export interface FileChange {
  path: string;
  /** Plaintext before and after ('' before: created). An encrypted file's after is what sops decrypts from `written`. */
  before: string;
  after: string;
  /** What goes to disk: the text, or the new ciphertext of a *.sops.yaml file. */
  written: string;
  encrypted: boolean;
  reformatted: boolean;
}

export interface MigrationPlan {
  root: string;
  from: number;
  to: number;
  applied: Migration[];
  /** The changed files, runlevel.yaml last. */
  changes: FileChange[];
  /** The clusters whose values were validated against the new schema (none when `to` is not this core's contract). */
  validated: string[];
  /** runlevel.yaml's core pin, for the reminder that the pin moves with the contract. */
  pin: string;
}

/** What resolving the values reads: runlevel.yaml, the layers, the sops rules and the image lock. */
const copied = [repoFileName, '.sops.yaml', imageLockFile, 'common', 'environments', 'clusters'];

export async function planMigration(opts: MigrateOptions): Promise<MigrationPlan> {
  const repo = await readRepoFile(opts.valuesDir);
  const from = repoContract(repo);
  const to = opts.to ?? contractVersion;
  if (from > contractVersion) {
    throw new UserError(
      `this values repo is at values contract ${from}, newer than this core's contract ${contractVersion}: a newer core migrated it`,
      {
        exitCode: ExitCode.pinMismatch,
        hint: 'run migrate with that newer core; a core never migrates backwards',
      },
    );
  }
  if (!Number.isInteger(to) || to < from || to > contractVersion) {
    throw new UserError(
      `--to ${to}: this repo is at contract ${from} and this core reads up to ${contractVersion}`,
      {
        hint: `pass a version from ${from} to ${contractVersion}; migrations only go forward (to go back, revert the migration commit)`,
      },
    );
  }
  const plan: MigrationPlan = {
    root: repo.root,
    from,
    to,
    applied: [],
    changes: [],
    validated: [],
    pin: repo.file.core,
  };
  if (from === to) return plan;

  const keys = new AgeKeys(repo.root, opts.ageKeyFile);
  const files = await readLayerFiles(repo.root, keys);
  const applied = pending(all, from, to);
  const result = migrateFiles(files, applied);
  if (result.problems.length > 0) {
    throw new UserError(`the values cannot be migrated to contract ${to} as they are`, {
      exitCode: ExitCode.invalid,
      problems: result.problems,
    });
  }
  plan.applied = applied;
  const repoText = repo.texts.get(repoFileName) ?? (await readFile(join(repo.root, repoFileName), 'utf8'));

  await withScratchDir('migrate', async (scratch) => {
    // A copy of what the values are read from (ciphertext only: nothing decrypted is written;
    // never a render the user keeps in the repo), under the repo's own name, so the same age key
    // is found for it.
    const copy = join(scratch, basename(repo.root));
    await mkdir(copy);
    for (const entry of copied) {
      if (existsSync(join(repo.root, entry)))
        await cp(join(repo.root, entry), join(copy, entry), { recursive: true });
    }
    for (const f of result.changed) plan.changes.push(await change(f, copy, keys, files));
    const repoAfter = setContract(repoText, to);
    await writeFile(join(copy, repoFileName), repoAfter);
    plan.changes.push({
      path: repoFileName,
      before: repoText,
      after: repoAfter,
      written: repoAfter,
      encrypted: false,
      reformatted: false,
    });
    if (to === contractVersion) plan.validated = await validateCopy(copy, opts.ageKeyFile);
  });
  return plan;
}

/** The file as it will be written; an encrypted one re-encrypted in the copy, change by change. */
async function change(
  f: MigratedFile,
  copy: string,
  keys: AgeKeys,
  files: readonly { path: string; ciphertext?: string }[],
): Promise<FileChange> {
  const base = { path: f.path, before: f.before, encrypted: f.encrypted, reformatted: f.reformatted };
  await mkdir(dirname(join(copy, f.path)), { recursive: true });
  if (!f.encrypted) {
    await writeFile(join(copy, f.path), f.text);
    return { ...base, after: f.text, written: f.text };
  }
  const ciphertext = files.find((x) => x.path === f.path)?.ciphertext ?? '';
  await writeFile(join(copy, f.path), ciphertext);
  const ops = sopsOps(parse(f.before), parse(f.text));
  const written = await reencrypt(copy, f.path, f.path, ops, keys);
  return { ...base, after: await decrypt(f.path, written, keys), written };
}

/** Every cluster of the migrated copy resolved and validated by this core: the problems of all at once. */
async function validateCopy(copy: string, ageKeyFile: string | undefined): Promise<string[]> {
  const repo = await ValuesRepo.open(copy, ageKeyFile);
  const problems = [];
  for (const cluster of repo.clusters) {
    try {
      await repo.resolve(cluster);
    } catch (err) {
      if (!(err instanceof UserError)) throw err;
      problems.push(...err.problems);
    }
  }
  if (problems.length > 0) {
    throw new UserError('the migrated values do not validate against the new schema: nothing was written', {
      exitCode: ExitCode.invalid,
      problems,
      hint: 'fix these in the values at the old contract (or by hand after migrating), then run runlevel migrate again',
    });
  }
  return repo.clusters;
}
