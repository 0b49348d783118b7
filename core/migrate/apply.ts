// The pure middle of migrate: the files of every layer (plaintext) in, the migrated files out,
// with what changed. No disk, no sops, no git: the upgrade rehearsal runs the same function in memory.
import { type Document, isMap, isScalar, LineCounter, Pair, parseDocument, Scalar } from 'yaml';
import type { Problem } from '../shared/errors.js';
import { lineColAt } from '../shared/source.js';
import { emit, layoutOf, splice } from './layout.js';
import { findAll, localPath, pairIn } from './paths.js';
import { applyStep, type Conflict } from './steps.js';
import type { Migration, ValuesFile } from './types.js';

export interface MigratedFile extends ValuesFile {
  /** The text before the migration ('' for a file it created). */
  before: string;
  /** The yaml library had to re-emit more than the changed lines (the file's layout is unusual there). */
  reformatted: boolean;
}

export interface MigrationResult {
  /** Every file that changed or was created, in input order (created ones last). */
  changed: MigratedFile[];
  applied: Migration[];
  /** Places a step could not be applied: nothing may be written while there are any. */
  problems: Problem[];
}

/** The migrations after `from` up to and including `to`, in order. */
export function pending(migrations: readonly Migration[], from: number, to: number): Migration[] {
  return migrations.filter((m) => m.to > from && m.to <= to).sort((a, b) => a.to - b.to);
}

export function migrateFiles(
  files: readonly ValuesFile[],
  migrations: readonly Migration[],
): MigrationResult {
  const docs = new Map<string, { file: ValuesFile; doc: Document; dirty: boolean }>();
  const problems: Problem[] = [];
  for (const file of files) {
    const doc = parseDocument(file.text, { lineCounter: new LineCounter(), keepSourceTokens: true });
    if (doc.errors.length > 0) {
      for (const e of doc.errors)
        problems.push({
          message: e.message.split('\n')[0] ?? e.message,
          where: { file: file.path, ...lineColAt(file.text, e.pos[0]) },
        });
      continue;
    }
    docs.set(file.path, { file, doc, dirty: false });
  }
  if (problems.length > 0) return { changed: [], applied: [], problems };

  const created: ValuesFile[] = [];
  const conflicts: Conflict[] = [];
  for (const migration of migrations) {
    for (const step of migration.steps) {
      if (step.kind === 'setDefault') {
        const target = setDefault(docs, step);
        if (target && !files.some((f) => f.path === target.file.path)) created.push(target.file);
        continue;
      }
      for (const entry of docs.values()) {
        if (applyStep(entry.doc, entry.file, step, conflicts)) entry.dirty = true;
      }
    }
  }
  for (const c of conflicts) {
    const text = docs.get(c.file)?.file.text ?? '';
    problems.push({
      message: c.message,
      hint: c.hint,
      where: { file: c.file, ...lineColAt(text, c.offset) },
    });
  }

  const changed: MigratedFile[] = [];
  for (const { file, doc, dirty } of docs.values()) {
    if (!dirty) continue;
    const isNew = created.includes(file);
    const text = isNew ? { value: emit(doc, layoutOf('')), reformatted: false } : rewrite(file.text, doc);
    if (text.value === file.text) continue;
    changed.push({
      ...file,
      text: text.value,
      before: isNew ? '' : file.text,
      reformatted: text.reformatted,
    });
  }
  return { changed, applied: [...migrations], problems };
}

/** The migrated document as text, the original's lines kept wherever the migration did not change them. */
function rewrite(original: string, doc: Document): { value: string; reformatted: boolean } {
  const layout = layoutOf(original);
  const before = emit(parseDocument(original, { keepSourceTokens: true }), layout);
  const after = emit(doc, layout);
  const spliced = splice(original, before, after);
  return { value: spliced.text, reformatted: spliced.reformatted };
}

type Entry = { file: ValuesFile; doc: Document; dirty: boolean };

/** Writes the value where no file sets the path; returns the file written, if any. */
function setDefault(
  docs: Map<string, Entry>,
  step: { path: readonly string[]; value: unknown; file?: string },
): Entry | undefined {
  for (const { file, doc } of docs.values()) {
    const local = localPath(step.path, file.placement);
    if (local && findAll(doc.contents, local.rest).length > 0) return undefined;
  }
  const path = step.file ?? 'common/settings.yaml';
  let entry = docs.get(path);
  if (!entry) {
    const placement = placementOf(path);
    entry = { file: { path, placement, text: '', encrypted: false }, doc: parseDocument(''), dirty: false };
    docs.set(path, entry);
  }
  const local = localPath(step.path, entry.file.placement);
  if (!local) return undefined;
  entry.doc.setIn(local.rest, entry.doc.createNode(step.value));
  entry.dirty = true;
  return entry;
}

/** Where a repo file merges: <layer>/teams/<name>.yaml under teams.<name>; top-level files at the root. */
export function placementOf(path: string): string[] {
  const m = /(?:^|\/)(teams|apps|charts)\/([^/]+?)(?:\.sops)?\.yaml$/.exec(path);
  return m ? [m[1] as string, m[2] as string] : [];
}

/** runlevel.yaml with `contract: N`, written after `core:` when it is not there yet. */
export function setContract(text: string, version: number): string {
  const doc = parseDocument(text, { keepSourceTokens: true });
  const root = doc.contents;
  if (!isMap(root)) return text;
  const pair = pairIn(root, 'contract');
  if (pair && isScalar(pair.value))
    pair.value.value = version; // its comment stays
  else if (pair) pair.value = new Scalar(version);
  else {
    const at = root.items.findIndex((p) => (p.key as Scalar | undefined)?.value === 'core');
    (root.items as Pair[]).splice(at + 1, 0, new Pair(new Scalar('contract'), new Scalar(version)));
  }
  return rewrite(text, doc).value;
}
