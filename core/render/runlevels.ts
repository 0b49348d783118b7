// The runlevel files of helmfile.d: `NN-name.yaml.gotmpl` (or .yaml), in order, with the engine
// settings a file declares in its header comment (`# runlevel: timeout=300s tasks=a,b`).
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { join, relative } from 'node:path';
import { UserError } from '../shared/errors.js';
import { ExitCode } from '../shared/exit-codes.js';
import { coreRoot } from '../shared/paths.js';

export interface RunlevelFile {
  name: string; // 00-init
  file: string; // absolute path
  /** `key=value` settings from `# runlevel:` header lines; read by the deploy engine (timeouts, tasks). */
  settings: Record<string, string>;
}

const fileName = /^(\d{2}-[a-z0-9-]+)\.ya?ml(\.gotmpl)?$/;

export function helmfileDir(root = coreRoot): string {
  return join(root, 'helmfile.d');
}

/** Every runlevel file in order; a missing or empty helmfile.d is an error, never an empty render. */
export function listRunlevels(dir = helmfileDir()): RunlevelFile[] {
  if (!existsSync(dir)) {
    throw new UserError(`runlevel directory ${relative(coreRoot, dir) || dir} does not exist`, {
      exitCode: ExitCode.renderFailed,
      hint: 'the core image or checkout is incomplete: helmfile.d/ holds the numbered runlevel files',
    });
  }
  const files = readdirSync(dir)
    .filter((f) => fileName.test(f))
    .sort();
  if (files.length === 0) {
    throw new UserError(`no runlevel files (NN-name.yaml.gotmpl) in ${dir}`, {
      exitCode: ExitCode.renderFailed,
    });
  }
  return files.map((f) => {
    const file = join(dir, f);
    return { name: fileName.exec(f)?.[1] ?? f, file, settings: headerSettings(readFileSync(file, 'utf8')) };
  });
}

/** `# runlevel: timeout=300s tasks=a,b` lines in the leading comment block. */
export function headerSettings(text: string): Record<string, string> {
  const settings: Record<string, string> = {};
  for (const e of headerEntries(text)) if (e.key !== '') settings[e.key] = e.value;
  return settings;
}

/** One `key=value` word of a header line, with the place of its value (a word without `=` has key ''). */
export interface HeaderEntry {
  key: string;
  value: string;
  line: number;
  col: number; // of the value (of the word, when it has no `=`)
}

/** Every word of the `# runlevel:` header lines, in order, each at its line and column. */
export function headerEntries(text: string): HeaderEntry[] {
  const out: HeaderEntry[] = [];
  const lines = text.split('\n');
  for (const [i, line] of lines.entries()) {
    if (!line.startsWith('#')) break;
    const m = /^#\s*runlevel:\s*/.exec(line);
    if (!m) continue;
    for (const word of line.slice(m[0].length).matchAll(/\S+/g)) {
      const eq = word[0].indexOf('=');
      const at = (word.index ?? 0) + m[0].length;
      out.push(
        eq > 0
          ? { key: word[0].slice(0, eq), value: word[0].slice(eq + 1), line: i + 1, col: at + eq + 2 }
          : { key: '', value: word[0], line: i + 1, col: at + 1 },
      );
    }
  }
  return out;
}
