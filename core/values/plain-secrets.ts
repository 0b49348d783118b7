// A secret written into a plain file is in git in clear for good, whatever a later *.sops.yaml
// layer sets. Fields the schema marks `writeOnly` are secrets: set in a file that is not a
// *.sops.yaml, they are refused at their place, with the command that encrypts them. The value is
// masked in the code frame and registered with the logger, so refusing it does not print it.
import type { Problem } from '../shared/errors.js';
import type { PlacedTree } from './merge.js';
import { dotted, isMap, parsePointer, type Value } from './model.js';
import { problemAt, type Texts } from './problems.js';

type Schema = { [key: string]: unknown };

/** The paths of the schema's writeOnly fields; `*` stands for any key or list index. */
export function secretFieldPaths(root: Schema): string[][] {
  const out: string[][] = [];
  const walk = (node: unknown, path: string[], seen: ReadonlySet<string>) => {
    if (!isMap(node)) return;
    const ref = node.$ref;
    if (typeof ref === 'string' && ref.startsWith('#/$defs/') && !seen.has(ref)) {
      walk((root.$defs as Schema | undefined)?.[ref.slice(8)], path, new Set([...seen, ref]));
    }
    if (node.writeOnly === true) out.push(path);
    if (isMap(node.properties))
      for (const [key, sub] of Object.entries(node.properties)) walk(sub, [...path, key], seen);
    if (isMap(node.additionalProperties)) walk(node.additionalProperties, [...path, '*'], seen);
    if (isMap(node.items)) walk(node.items, [...path, '*'], seen);
  };
  walk(root, [], new Set());
  return out;
}

/** Problems for secret fields set in plain files, and the values found (to mask them everywhere). */
export function plainSecretProblems(
  trees: readonly PlacedTree[],
  texts: Texts,
  secretPaths: readonly string[][],
): { problems: Problem[]; values: string[] } {
  const problems: Problem[] = [];
  const values: string[] = [];
  for (const tree of trees) {
    if (tree.file.endsWith('.sops.yaml')) continue;
    const found: { path: string[]; line: number; col: number }[] = [];
    for (const [ptr, origin] of tree.origins) {
      const path = parsePointer(ptr);
      if (!secretPaths.some((p) => matches(p, path))) continue;
      const value = valueAt(tree.value, path.slice(tree.placement.length));
      if (value === '' || value === null || value === undefined || typeof value === 'object') continue;
      values.push(String(value));
      found.push({ path, line: origin.line, col: origin.col });
    }
    if (found.length === 0) continue;
    const masked = new Map([[tree.file, maskAt(texts.get(tree.file) ?? '', found)]]);
    for (const f of found) {
      problems.push(
        problemAt(
          masked,
          { file: tree.file, line: f.line, col: f.col },
          'is a secret: it must not be in a plain file',
          {
            path: dotted(f.path),
            hint: encryptHint(tree.file, texts.has(tree.file.replace(/\.yaml$/, '.sops.yaml'))),
          },
        ),
      );
    }
  }
  return { problems, values };
}

/** Where the secret belongs (the same place, encrypted) and the exact command that does it. */
function encryptHint(file: string, targetExists: boolean): string {
  const target = file.replace(/\.yaml$/, '.sops.yaml');
  const command = targetExists ? `sops edit ${target}` : `sops encrypt --in-place ${target}`;
  return `move it to ${target} (same keys) and encrypt it: \`${command}\` in the values repo; it is in git history in clear, so change it too`;
}

function matches(pattern: readonly string[], path: readonly string[]): boolean {
  return pattern.length === path.length && pattern.every((p, i) => p === '*' || p === path[i]);
}

function valueAt(value: Value | undefined, path: readonly string[]): Value | undefined {
  let cur = value;
  for (const k of path) cur = Array.isArray(cur) ? cur[Number(k)] : isMap(cur) ? cur[k] : undefined;
  return cur;
}

/** The text with each secret (from its column to the end of its line) replaced by ***. */
function maskAt(text: string, at: readonly { line: number; col: number }[]): string {
  const lines = text.split('\n');
  for (const { line, col } of at) {
    const l = lines[line - 1];
    if (l !== undefined) lines[line - 1] = `${l.slice(0, col - 1)}***`;
  }
  return lines.join('\n');
}
