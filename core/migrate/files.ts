// Reading every layer's files of a values repo for migrate: common/, environments/*/ and
// clusters/*/ (every one, listed in runlevel.yaml or not), *.sops.yaml decrypted in memory.
import { readdirSync } from 'node:fs';
import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { parse } from 'yaml';
import { listLayer, type Repo } from '../values/load.js';
import type { Value } from '../values/model.js';
import { invalid } from '../values/repo.js';
import { type AgeKeys, decrypt, registerSecrets, secretLeaves } from '../values/secrets.js';
import type { ValuesFile } from './types.js';

/** A values file with, for an encrypted one, the ciphertext it was read from. */
export interface RepoFile extends ValuesFile {
  ciphertext?: string;
}

export async function readLayerFiles(root: string, keys: AgeKeys): Promise<RepoFile[]> {
  const repo: Repo = { root, texts: new Map(), problems: [] };
  const dirs = [
    { dir: 'common', layer: 'common' as const },
    ...subdirs(root, 'environments').map((d) => ({ dir: d, layer: 'environment' as const })),
    ...subdirs(root, 'clusters').map((d) => ({ dir: d, layer: 'cluster' as const })),
  ];
  const entries = (await Promise.all(dirs.map((d) => listLayer(repo, d.dir, d.layer)))).flat();
  if (repo.problems.length > 0) throw invalid('the values repo cannot be read', repo);
  const files: RepoFile[] = [];
  for (const e of entries) {
    const raw = await readFile(join(root, e.file), 'utf8');
    if (!e.file.endsWith('.sops.yaml')) {
      files.push({ path: e.file, placement: e.placement, text: raw, encrypted: false });
      continue;
    }
    const text = await decrypt(e.file, raw, keys);
    // Whatever the diff shows of an encrypted file is masked, as every other output.
    registerSecrets(secretLeaves(parse(text) as Value));
    files.push({ path: e.file, placement: e.placement, text, encrypted: true, ciphertext: raw });
  }
  return files;
}

function subdirs(root: string, dir: string): string[] {
  try {
    return readdirSync(join(root, dir), { withFileTypes: true })
      .filter((e) => e.isDirectory())
      .map((e) => `${dir}/${e.name}`)
      .sort();
  } catch {
    return [];
  }
}
