// Reads a render (`runlevel template --out DIR`): DIR/index.json names every object with its
// file and line; the files hold the YAML. Each object is parsed once here and shared by the
// schema and policy checks.
import { existsSync } from 'node:fs';
import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { parse } from 'yaml';
import type { RenderIndex } from '../render/index.js';
import { UserError } from '../shared/errors.js';

type ObjectRef = RenderIndex['releases'][number]['objects'][number];

export interface RenderedObject {
  ref: ObjectRef; // apiVersion, kind, namespace (filled from the release), name, file, line
  runlevel: string;
  release: string;
  body: Record<string, unknown>;
  /** The document's text and the file line its first character is on (for locating paths). */
  doc: { text: string; line: number };
}

export interface RenderedSet {
  dir: string;
  objects: RenderedObject[];
}

export async function readRendered(dir: string): Promise<RenderedSet> {
  const indexFile = join(dir, 'index.json');
  if (!existsSync(indexFile)) {
    throw new UserError(`${dir} holds no render: index.json is missing`, {
      hint: 'render first with `runlevel template --cluster C --out DIR`, or leave out --dir',
    });
  }
  const index = JSON.parse(await readFile(indexFile, 'utf8')) as RenderIndex;
  const byFile = new Map<string, { ref: ObjectRef; runlevel: string; release: string }[]>();
  for (const rel of index.releases) {
    for (const ref of rel.objects) {
      const list = byFile.get(ref.file) ?? [];
      list.push({ ref, runlevel: rel.runlevel, release: rel.name });
      byFile.set(ref.file, list);
    }
  }
  const objects: RenderedObject[] = [];
  await Promise.all(
    [...byFile.entries()].map(async ([file, refs]) => {
      const text = await readFile(join(dir, file), 'utf8').catch(() => {
        throw new UserError(`${file} is listed in ${indexFile} but missing`, {
          hint: 'the render is incomplete: render again',
        });
      });
      const docs = splitDocs(text);
      if (docs.length !== refs.length) {
        throw new UserError(`${file} holds ${docs.length} objects but index.json lists ${refs.length}`, {
          hint: 'the render was changed by hand or is incomplete: render again',
        });
      }
      docs.forEach((doc, i) => {
        const r = refs[i] as (typeof refs)[number];
        objects.push({ ...r, body: doc.body, doc: { text: doc.text, line: doc.line } });
      });
    }),
  );
  // Promise.all finishes files in any order: keep the order of the index.
  const order = new Map<string, number>();
  for (const [i, file] of [...byFile.keys()].entries()) order.set(file, i);
  objects.sort(
    (a, b) => (order.get(a.ref.file) ?? 0) - (order.get(b.ref.file) ?? 0) || a.ref.line - b.ref.line,
  );
  return { dir, objects };
}

/** The objects of one rendered file, with the line each document's text starts on. */
function splitDocs(text: string): { body: Record<string, unknown>; text: string; line: number }[] {
  const out: { body: Record<string, unknown>; text: string; line: number }[] = [];
  let line = 1;
  for (const part of text.split(/^---[ \t]*\n/m)) {
    const startLine = line;
    line += countLines(part) + 1; // the part's lines, then the "---" line that ended it
    if (part.trim() === '') continue;
    const body = parse(part) as unknown;
    if (body && typeof body === 'object' && !Array.isArray(body)) {
      out.push({ body: body as Record<string, unknown>, text: part, line: startLine });
    }
  }
  return out;
}

function countLines(s: string): number {
  let n = 0;
  for (let i = s.indexOf('\n'); i !== -1; i = s.indexOf('\n', i + 1)) n++;
  return n;
}
