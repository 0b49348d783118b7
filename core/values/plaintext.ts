// No plaintext secret in the values repo (issue 19): git commits whatever it does not ignore, so a
// render written into the work tree (`template --out`), a Secret manifest saved there or a
// decrypted copy of a *.sops.yaml is one `git add -A` from being in the history for good. Both
// are refused while git would take them: the render before it is written, the files by validate
// (and so by the pre-commit hook). A repo that is not in git has nothing to commit: no check.
import { existsSync, readFileSync, realpathSync, statSync } from 'node:fs';
import { dirname, isAbsolute, join, relative, sep } from 'node:path';
import { simpleGit } from 'simple-git';
import { isScalar, isMap as isYamlMap, LineCounter, type Node, parseAllDocuments } from 'yaml';
import type { Problem } from '../shared/errors.js';
import { log } from '../shared/log.js';
import { workTreeOf } from '../shared/work-tree.js';
import { secretFieldPaths } from './plain-secrets.js';
import { validators } from './validate.js';

/**
 * Why `--out` may not be written where it points: inside the values repo's work tree and not
 * ignored by git (undefined: outside it, or ignored). The render holds Secrets in plain text.
 */
export async function renderInRepoProblem(
  valuesDir: string,
  outDir: string,
): Promise<{ message: string; hint: string } | undefined> {
  const top = await workTreeOf(valuesDir);
  if (!top) return undefined;
  let existing = outDir; // realpath of what exists, so a symlinked path is judged where it lands
  while (!existsSync(existing) && dirname(existing) !== existing) existing = dirname(existing);
  const real = join(realpathSync(existing), relative(existing, outDir));
  const rel = relative(top, real);
  if (rel === '..' || rel.startsWith(`..${sep}`) || isAbsolute(rel)) return undefined;
  const probe = rel === '' ? 'index.json' : `${rel}/index.json`;
  const ignored = await simpleGit({ baseDir: top }).checkIgnore([probe]);
  if (ignored.length > 0) return undefined;
  const shown = rel === '' ? '.' : rel.split(sep).join('/');
  return {
    message: `is inside the values repo (${shown}/ of ${top}) and git does not ignore it: the render holds every Secret in plain text, and one \`git add -A\` would commit them`,
    hint: `write it outside the repo (e.g. --out ../rendered), or ignore it first: echo '/${shown}/' >> .gitignore (runlevel init ignores /rendered/)`,
  };
}

/** Files git would commit (tracked, or untracked and not ignored) larger than this are not read. */
const maxScanBytes = 1024 * 1024;

/**
 * A problem for every file under `valuesDir` that git would commit and that holds a plaintext
 * secret: a Kubernetes Secret manifest with data (a render, a `kubectl get -o yaml`), or a
 * decrypted values file (secret fields in clear in a YAML file outside the layer directories,
 * whose own files validate checks field by field). Files with sops metadata are encrypted: skipped.
 */
export async function plaintextInRepo(valuesDir: string): Promise<Problem[]> {
  if (!(await workTreeOf(valuesDir))) return [];
  const git = simpleGit({ baseDir: valuesDir });
  let listed: string;
  let tracked: Set<string>;
  try {
    listed = await git.raw(['ls-files', '-z', '--cached', '--others', '--exclude-standard', '--', '.']);
    tracked = new Set(
      (await git.raw(['ls-files', '-z', '--cached', '--', '.'])).split('\0').filter((f) => f !== ''),
    );
  } catch (err) {
    // A repo git will not read for this user (safe.directory in a container): nothing to ask.
    log.debug(() => `plaintext check skipped: git ls-files failed: ${(err as Error).message}`);
    return [];
  }
  const secretPaths = secretFieldPaths(validators().schema);
  const secretKeys = [...new Set(secretPaths.map((p) => p[p.length - 1] ?? ''))].filter((k) => k !== '*');
  const problems: Problem[] = [];
  for (const file of [...new Set(listed.split('\0'))].filter((f) => f !== '').sort()) {
    const full = join(valuesDir, file);
    const st = statSync(full, { throwIfNoEntry: false });
    if (!st?.isFile() || st.size > maxScanBytes || st.size === 0) continue;
    const text = readFileSync(full, 'utf8');
    if (!text.includes('Secret') && !secretKeys.some((k) => text.includes(k))) continue; // cheap first
    const found = findPlaintext(text, layerFile(file) ? [] : secretPaths);
    if (!found) continue;
    const state = tracked.has(file) ? 'tracked by git' : 'not ignored by git';
    problems.push({
      where: { file, line: found.line, col: found.col },
      message: `${found.what} in plain text, ${state}: the next \`git add -A\` and commit put it in the history for good`,
      hint: tracked.has(file)
        ? `git rm --cached ${file}, delete it, and rotate the secret if it was ever committed`
        : `delete it or move it out of the repo, or ignore it: echo '${ignoreRule(file)}' >> .gitignore${found.what.startsWith('a decrypted') ? ' (runlevel decrypts *.sops.yaml in memory: no decrypted copy is needed)' : ''}`,
    });
  }
  return problems;
}

/** The rule that ignores a file: its top folder when it is in one, else the file itself. */
function ignoreRule(file: string): string {
  const [top, ...rest] = file.split('/');
  return rest.length > 0 ? `/${top}/` : `/${file}`;
}

/** Values layer files: validate already refuses a secret field in any that is not a *.sops.yaml. */
function layerFile(file: string): boolean {
  return /^(common|environments\/[^/]+|clusters\/[^/]+)\/.+\.yaml$/.test(file);
}

function findPlaintext(
  text: string,
  secretPaths: readonly string[][],
): { what: string; line: number; col: number } | undefined {
  const lines = new LineCounter();
  let docs: ReturnType<typeof parseAllDocuments>;
  try {
    docs = parseAllDocuments(text, { lineCounter: lines });
  } catch {
    return undefined;
  }
  if (!Array.isArray(docs)) return undefined; // an empty stream
  const at = (node: Node | null | undefined) => lines.linePos(node?.range?.[0] ?? 0);
  for (const doc of docs) {
    if (doc.errors.length > 0 || !isYamlMap(doc.contents)) continue;
    const root = doc.contents;
    if (root.has('sops')) continue; // encrypted by sops: its values are ENC[…]
    const kind = root.get('kind', true);
    if (isScalar(kind) && kind.value === 'Secret') {
      const data = [root.get('data'), root.get('stringData')];
      const clear = data.some(
        (d) => isYamlMap(d) && d.items.some((i) => isScalar(i.value) && plain(i.value.value)),
      );
      if (clear) {
        const name = root.getIn(['metadata', 'name']);
        const pos = at(kind);
        return { what: `a Secret manifest (Secret/${String(name ?? '?')})`, line: pos.line, col: pos.col };
      }
    }
    for (const path of secretPaths) {
      const hit = walk(root, path);
      if (hit) {
        const pos = at(hit);
        return { what: `a decrypted values file (${path.join('.')})`, line: pos.line, col: pos.col };
      }
    }
  }
  return undefined;
}

/** A value that shows a secret: not empty, not masked (***), not sops ciphertext. */
function plain(v: unknown): boolean {
  if (typeof v !== 'string' && typeof v !== 'number') return false;
  const s = String(v);
  return s !== '' && s !== '***' && !s.startsWith('ENC[');
}

/** The scalar node at `path` (`*` any key) holding a plain value, if any. */
function walk(node: unknown, path: readonly string[]): Node | undefined {
  if (path.length === 0) return isScalar(node) && plain(node.value) ? node : undefined;
  if (!isYamlMap(node)) return undefined;
  const [head, ...rest] = path;
  for (const item of node.items) {
    const key = isScalar(item.key) ? String(item.key.value) : undefined;
    if (key === undefined || (head !== '*' && key !== head)) continue;
    const hit = walk(item.value, rest);
    if (hit) return hit;
  }
  return undefined;
}
