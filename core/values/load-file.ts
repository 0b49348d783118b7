// One layer file, read and turned into a value tree with origins. Most files are plain YAML that
// the fast reader (shared/yaml/fast.ts) understands; the others, and every *.sops.yaml, take the
// full path in load-full.ts, imported only then so that `yaml` and execa stay unloaded on a plain repo.
import { readFast } from '../shared/yaml/fast.js';
import { type LayerEntry, type Repo, readText } from './load.js';
import type { OpenedRepo } from './repo.js';
import type { AgeKeys } from './secrets.js';
import type { Loaded } from './types.js';

export async function loadFile(repo: OpenedRepo, entry: LayerEntry, ageKeys: AgeKeys): Promise<Loaded> {
  const scope: Repo = { root: repo.root, texts: repo.texts, problems: [] };
  const text = readText(scope, entry);
  if (text === undefined) return { secrets: [], problems: scope.problems };
  const secret = entry.file.endsWith('.sops.yaml');
  const simple = secret ? undefined : readFast(text, entry.file, entry.layer, entry.placement);
  if (simple) {
    const tree = { ...simple, placement: entry.placement, file: entry.file, layer: entry.layer };
    return { tree, secrets: [], problems: [] };
  }
  const { loadFull } = await import('./load-full.js');
  return loadFull(repo, entry, text, ageKeys);
}
