// One layer file, read and turned into a value tree with origins. Most files are plain YAML that
// the fast reader (simple-yaml.ts) understands; the others, and every *.sops.yaml, take the full
// path in load-full.ts, imported only then so that `yaml` and execa stay unloaded on a plain repo.
import type { Problem } from '../shared/errors.js';
import { type LayerEntry, type Repo, readText } from './load.js';
import type { PlacedTree } from './merge.js';
import type { OpenedRepo } from './repo.js';
import { readSimpleYaml } from './simple-yaml.js';

export interface Loaded {
  tree?: PlacedTree;
  secrets: string[];
  problems: Problem[];
}

export async function loadFile(
  repo: OpenedRepo,
  entry: LayerEntry,
  ageKeyFile: string | undefined,
): Promise<Loaded> {
  const scope: Repo = { root: repo.root, texts: repo.texts, problems: [] };
  const result: Loaded = { secrets: [], problems: scope.problems };
  const text = readText(scope, entry);
  if (text === undefined) return result;
  const secret = entry.file.endsWith('.sops.yaml');
  const simple = secret ? undefined : readSimpleYaml(text, entry.file, entry.layer, entry.placement);
  if (simple) {
    result.tree = {
      ...simple,
      placement: entry.placement,
      file: entry.file,
      layer: entry.layer as PlacedTree['layer'],
    };
    return result;
  }
  const { loadFull } = await import('./load-full.js');
  await loadFull(repo, entry, text, ageKeyFile, scope, result);
  return result;
}
