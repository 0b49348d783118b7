// The full path for a layer file: parsed by `yaml` with positions (and its error messages), and
// *.sops.yaml decrypted in memory. Imported by load-file.ts only when the fast reader gives up.
import { UserError } from '../shared/errors.js';
import { lineColAt } from '../shared/source.js';
import type { LayerEntry, Repo } from './load.js';
import type { Loaded } from './load-file.js';
import type { PlacedTree } from './merge.js';
import { isMap, pointer } from './model.js';
import { problemAt } from './problems.js';
import type { OpenedRepo } from './repo.js';
import { decrypt, secretLeaves } from './secrets.js';
import { type ParsedFile, parseYaml } from './yaml-parse.js';
import { TreeError, toTree } from './yaml-tree.js';

export async function loadFull(
  repo: OpenedRepo,
  entry: LayerEntry,
  text: string,
  ageKeyFile: string | undefined,
  scope: Repo,
  result: Loaded,
): Promise<void> {
  const secret = entry.file.endsWith('.sops.yaml');
  const parsed = parseYaml(scope, entry, text);
  if (!parsed) return;
  try {
    const shape = toTree(parsed.doc, parsed.lines, entry.file, entry.layer, entry.placement);
    if (shape.value !== undefined && shape.value !== null && !isMap(shape.value)) {
      const at = lineColAt(parsed.text, parsed.doc.contents?.range?.[0] ?? 0);
      scope.problems.push(
        problemAt(repo.texts, { file: entry.file, ...at }, 'the file must hold a map of keys (key: value)', {
          hint: entry.placement.length
            ? `its keys merge under ${entry.placement.join('.')}`
            : 'its keys merge at the root of the values',
        }),
      );
      return;
    }
    let value = shape.value ?? undefined;
    if (secret) {
      const plain = await decryptTree(repo, parsed, ageKeyFile, scope);
      if (!plain) return;
      value = plain;
      result.secrets = secretLeaves(plain);
      for (const ptr of [...shape.origins.keys()])
        if (ptr.startsWith(pointer([...entry.placement, 'sops']))) shape.origins.delete(ptr);
    }
    result.tree = {
      value: value ?? undefined,
      origins: shape.origins,
      placement: entry.placement,
      file: entry.file,
      layer: entry.layer as PlacedTree['layer'],
    };
  } catch (err) {
    if (!(err instanceof TreeError)) throw err;
    const at = lineColAt(parsed.text, err.offset);
    scope.problems.push(problemAt(repo.texts, { file: entry.file, ...at }, err.message, { hint: err.hint }));
  }
}

/** Decrypt in memory; the plaintext's own positions are never shown (frames come from the ciphertext). */
async function decryptTree(
  repo: OpenedRepo,
  parsed: ParsedFile,
  ageKeyFile: string | undefined,
  scope: Repo,
) {
  const { entry } = parsed;
  let plaintext: string;
  try {
    plaintext = await decrypt(entry.file, parsed.text, ageKeyFile);
  } catch (err) {
    if (!(err instanceof UserError)) throw err;
    scope.problems.push({ message: err.message, hint: err.hint });
    return undefined;
  }
  const quiet: Repo = { root: repo.root, texts: new Map(), problems: [] };
  const doc = parseYaml(quiet, entry, plaintext);
  if (!doc) {
    scope.problems.push({
      message: `${entry.file} decrypts to invalid YAML`,
      hint: 're-create it with `sops --encrypt`',
    });
    return undefined;
  }
  const tree = toTree(doc.doc, doc.lines, entry.file, entry.layer, []).value;
  if (isMap(tree)) delete tree.sops;
  return isMap(tree) ? tree : undefined;
}
