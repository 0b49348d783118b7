// The full path for a layer file: parsed by `yaml` with positions (and its error messages), and
// *.sops.yaml decrypted in memory. Imported by load-file.ts only when the fast reader gives up.
import type { Problem } from '../shared/errors.js';
import { UserError } from '../shared/errors.js';
import { lineColAt } from '../shared/source.js';
import { parseFull, readFull } from '../shared/yaml/full.js';
import { TreeError, toTree } from '../shared/yaml/tree.js';
import type { LayerEntry } from './load.js';
import { isMap, pointer } from './model.js';
import { problemAt, yamlProblems } from './problems.js';
import type { OpenedRepo } from './repo.js';
import { type AgeKeys, decrypt, secretLeaves } from './secrets.js';
import type { Loaded } from './types.js';

export async function loadFull(
  repo: OpenedRepo,
  entry: LayerEntry,
  text: string,
  ageKeys: AgeKeys,
): Promise<Loaded> {
  const problems: Problem[] = [];
  const failed = (): Loaded => ({ secrets: [], problems });
  const read = readFull(text, entry.file, entry.layer, entry.placement);
  if ('errors' in read) {
    problems.push(...yamlProblems(repo.texts, entry.file, text, read.errors));
    return failed();
  }
  const { tree: shape, parsed } = read;
  if (shape.value !== undefined && shape.value !== null && !isMap(shape.value)) {
    const at = lineColAt(text, parsed.doc.contents?.range?.[0] ?? 0);
    problems.push(
      problemAt(repo.texts, { file: entry.file, ...at }, 'the file must hold a map of keys (key: value)', {
        hint: entry.placement.length
          ? `its keys merge under ${entry.placement.join('.')}`
          : 'its keys merge at the root of the values',
      }),
    );
    return failed();
  }
  let value = shape.value ?? undefined;
  let secrets: string[] = [];
  if (entry.file.endsWith('.sops.yaml')) {
    const plain = await decryptTree(repo, entry, text, ageKeys, problems);
    if (!plain) return failed();
    value = plain;
    secrets = secretLeaves(plain);
    for (const ptr of [...shape.origins.keys()])
      if (ptr.startsWith(pointer([...entry.placement, 'sops']))) shape.origins.delete(ptr);
  }
  const tree = {
    value,
    origins: shape.origins,
    placement: entry.placement,
    file: entry.file,
    layer: entry.layer,
  };
  return { tree, secrets, problems };
}

/** Decrypt in memory; the plaintext's own positions are never shown (frames come from the ciphertext). */
async function decryptTree(
  repo: OpenedRepo,
  entry: LayerEntry,
  ciphertext: string,
  ageKeys: AgeKeys,
  problems: Problem[],
) {
  let plaintext: string;
  try {
    plaintext = await decrypt(entry.file, ciphertext, ageKeys);
  } catch (err) {
    if (!(err instanceof UserError)) throw err;
    problems.push({ message: err.message, hint: err.hint });
    return undefined;
  }
  const result = parseFull(plaintext);
  if ('errors' in result) {
    problems.push({
      message: `${entry.file} decrypts to invalid YAML`,
      hint: 're-create it with `sops --encrypt`',
    });
    return undefined;
  }
  let tree: unknown;
  try {
    tree = toTree(result.parsed.doc, result.parsed.lines, entry.file, entry.layer, []).value;
  } catch (err) {
    if (!(err instanceof TreeError)) throw err;
    problems.push(
      ...yamlProblems(repo.texts, entry.file, ciphertext, [
        { offset: err.offset, message: err.message, hint: err.hint },
      ]),
    );
    return undefined;
  }
  if (isMap(tree)) delete tree.sops;
  return isMap(tree) ? tree : undefined;
}
