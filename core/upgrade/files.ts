// The rehearsal's private copy of the values repo and what the migration made of it: the files
// that resolving and migrating read (ciphertext only: sops files are copied as they are and
// re-encrypted by whichever core migrates), and, after it, every file that differs from the repo.
import { existsSync } from 'node:fs';
import { chmod, cp, mkdir, readdir, readFile } from 'node:fs/promises';
import { basename, join, relative } from 'node:path';
import { parse } from 'yaml';
import { unifiedDiff } from '../migrate/index.js';
import { imageLockFile } from '../shared/images/lock.js';
import type { Value } from '../values/model.js';
import { repoFileName } from '../values/repo.js';
import { type AgeKeys, decrypt, registerSecrets, secretLeaves } from '../values/secrets.js';
import type { ValuesChange } from './types.js';

/** What a core reads of the repo, and the editor schemas migrate refreshes. */
const copied = [repoFileName, '.sops.yaml', imageLockFile, 'common', 'environments', 'clusters', '.schemas'];

/**
 * `root` copied to DIR/<its name> (the name picks the age key, as for the repo itself); DIR is the
 * caller's private scratch directory, made 0700 again here because a container writes into it.
 */
export async function copyRepo(root: string, dir: string): Promise<string> {
  await chmod(dir, 0o700);
  const copy = join(dir, basename(root));
  await mkdir(copy, { mode: 0o700 });
  for (const entry of copied) {
    if (existsSync(join(root, entry))) await cp(join(root, entry), join(copy, entry), { recursive: true });
  }
  return copy;
}

export interface FileChange extends ValuesChange {
  /** What goes to disk: the text, or the new ciphertext of a sops file. */
  written: string;
}

/** Every file of the copy that is new or differs from the repo's, runlevel.yaml last. */
export async function changedFiles(root: string, copy: string, keys: AgeKeys): Promise<FileChange[]> {
  const out: FileChange[] = [];
  for (const path of await listFiles(copy)) {
    const after = await readFile(join(copy, path), 'utf8');
    const before = await readFile(join(root, path), 'utf8').catch(() => '');
    if (after === before) continue;
    const encrypted = path.endsWith('.sops.yaml');
    const plain = async (text: string) => {
      if (!encrypted || text === '') return text;
      const clear = await decrypt(path, text, keys);
      registerSecrets(secretLeaves(parse(clear) as Value)); // masked in every output from here on
      return clear;
    };
    out.push({
      path,
      encrypted,
      diff: unifiedDiff(path, await plain(before), await plain(after)),
      written: after,
    });
  }
  return out.sort((a, b) => Number(a.path === repoFileName) - Number(b.path === repoFileName));
}

async function listFiles(copy: string): Promise<string[]> {
  const out: string[] = [];
  for (const entry of copied) {
    const at = join(copy, entry);
    if (!existsSync(at)) continue;
    const items = await readdir(at, { recursive: true, withFileTypes: true }).catch(() => undefined);
    if (!items)
      out.push(entry); // a file
    else for (const f of items) if (f.isFile()) out.push(relative(copy, join(f.parentPath, f.name)));
  }
  return out.sort();
}
