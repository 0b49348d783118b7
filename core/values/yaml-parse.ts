// The full YAML parser (the `yaml` library, with positions), for the files the fast reader in
// simple-yaml.ts gives up on: it also produces every YAML error message. Imported lazily.
import { LineCounter, parseDocument } from 'yaml';
import { lineColAt } from '../shared/source.js';
import type { LayerEntry, Repo } from './load.js';
import type { LayerFile } from './model.js';
import { problemAt } from './problems.js';

export interface ParsedFile {
  entry: LayerEntry;
  text: string;
  doc: LayerFile['doc'];
  lines: LineCounter;
}

export function parseYaml(repo: Repo, entry: LayerEntry, text: string): ParsedFile | undefined {
  const lines = new LineCounter();
  const doc = parseDocument(text, {
    lineCounter: lines,
    uniqueKeys: true,
    prettyErrors: false,
    strict: true,
  });
  if (doc.errors.length > 0) {
    for (const e of doc.errors) {
      const at = lineColAt(text, e.pos[0]);
      repo.problems.push(
        problemAt(repo.texts, { file: entry.file, ...at }, yamlMessage(e.code, e.message), {
          hint: yamlHint(e.code),
        }),
      );
    }
    return undefined;
  }
  return { entry, text, doc, lines };
}

function yamlMessage(code: string, message: string): string {
  if (code === 'DUPLICATE_KEY') return 'duplicate key: a key may appear only once in a map';
  const first = message.split('\n')[0] ?? message;
  return `invalid YAML: ${first.replace(/ at line \d+, column \d+:?$/, '')}`;
}

function yamlHint(code: string): string | undefined {
  if (code === 'DUPLICATE_KEY') return 'remove one of the two entries, or merge them into one';
  if (code === 'BAD_INDENT' || code === 'MISSING_CHAR')
    return 'check the indentation and the ":" after each key';
  return undefined;
}
