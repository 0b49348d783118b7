// Reads a render: one on disk (`runlevel template --out DIR`: DIR/index.json names every object
// with its file and line, the files hold the YAML), or one in memory (check and deploy render and
// check in one process: the render, Secrets included, is never written anywhere). Each object is
// parsed once here and shared by the schema and policy checks.
import { existsSync } from 'node:fs';
import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { type RenderIndex, renderIndex } from '../render/output.js';
import type { RenderResult } from '../render/types.js';
import { UserError } from '../shared/errors.js';
import { ExitCode } from '../shared/exit-codes.js';
import { codeFrame } from '../shared/source.js';
import { splitDocuments } from '../shared/yaml/documents.js';
import { DocumentSyntaxError, loadDocument } from '../shared/yaml/objects.js';

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
  objects: RenderedObject[];
}

type Placed = { ref: ObjectRef; runlevel: string; release: string };

/** A render's index: which objects each file holds, in order, and how to read a file's text. */
export interface RenderIndexed {
  /** Where the render is, for messages: its directory, or "the render in memory". */
  where: string;
  byFile: Map<string, Placed[]>;
  /** The charts of the rendered releases (relative to the core) and the selectors of a partial render. */
  charts: string[];
  selectors: string[];
  read(file: string): Promise<string>;
}

export async function openRender(dir: string): Promise<RenderIndexed> {
  const indexFile = join(dir, 'index.json');
  if (!existsSync(indexFile)) {
    throw new UserError(`${dir} holds no render: index.json is missing`, {
      hint: 'render first with `runlevel template --cluster C --out DIR`, or leave out --dir',
    });
  }
  const index = JSON.parse(await readFile(indexFile, 'utf8')) as RenderIndex;
  const read = (file: string) =>
    readFile(join(dir, file), 'utf8').catch(() => {
      throw new UserError(`${file} is listed in ${indexFile} but missing`, {
        hint: 'the render is incomplete: render again',
      });
    });
  return { where: dir, read, ...indexed(index) };
}

/** A render made in this process, read where it is: in memory. */
export function renderInMemory(result: RenderResult, selectors: readonly string[] = []): RenderIndexed {
  const texts = new Map<string, string>();
  for (const rel of result.releases) {
    for (const f of rel.files) texts.set(`${rel.runlevel}/${rel.name}/${f.path}`, f.text);
  }
  const read = async (file: string) => {
    const text = texts.get(file);
    if (text === undefined) throw new Error(`the render in memory has no ${file}`); // a bug
    return text;
  };
  return { where: 'the render in memory', read, ...indexed(renderIndex(result, { cluster: '', selectors })) };
}

function indexed(index: RenderIndex): Omit<RenderIndexed, 'where' | 'read'> {
  const byFile = new Map<string, Placed[]>();
  for (const rel of index.releases) {
    for (const ref of rel.objects) {
      const list = byFile.get(ref.file) ?? [];
      list.push({ ref, runlevel: rel.runlevel, release: rel.name });
      byFile.set(ref.file, list);
    }
  }
  const charts = [...new Set(index.releases.map((r) => r.chart.path))].sort();
  return { byFile, charts, selectors: index.selectors ?? [] };
}

/** The selectors a render was made with (`template --selector`); empty for the whole platform. */
export async function renderSelectors(dir: string): Promise<string[]> {
  return (await openRender(dir)).selectors;
}

/** Parse the objects of the render (or of the files chosen), in index order. */
export async function readObjects(
  render: RenderIndexed,
  only: (refs: readonly Placed[]) => boolean = () => true,
): Promise<RenderedSet> {
  const files = [...render.byFile.entries()].filter(([, refs]) => only(refs));
  const perFile = await Promise.all(
    files.map(async ([file, refs]) => {
      const text = await render.read(file);
      const docs = splitDocs(text, file);
      if (docs.length !== refs.length) {
        throw new UserError(`${file} holds ${docs.length} objects but index.json lists ${refs.length}`, {
          hint: 'the render was changed by hand or is incomplete: render again',
        });
      }
      return docs.map((doc, i) => ({
        ...(refs[i] as Placed),
        body: doc.body,
        doc: { text: doc.text, line: doc.line },
      }));
    }),
  );
  return { objects: perFile.flat() };
}

/** The objects of one rendered file, with the line each document's text starts on. */
function splitDocs(
  text: string,
  file: string,
): { body: Record<string, unknown>; text: string; line: number }[] {
  const out: { body: Record<string, unknown>; text: string; line: number }[] = [];
  for (const doc of splitDocuments(text)) {
    const body = parseDoc(doc.text, file, doc.line);
    if (body && typeof body === 'object' && !Array.isArray(body)) {
      out.push({ body: body as Record<string, unknown>, text: doc.text, line: doc.line });
    }
  }
  return out;
}

function parseDoc(text: string, file: string, line: number): unknown {
  try {
    return loadDocument(text);
  } catch (err) {
    if (!(err instanceof DocumentSyntaxError)) throw err;
    const at = { line: line + err.line - 1, col: err.col };
    throw new UserError(`${file} is not valid YAML: ${err.reason}`, {
      exitCode: ExitCode.renderFailed,
      problems: [
        { message: err.reason, where: { file, ...at }, frame: codeFrame(text, at.line - line + 1, at.col) },
      ],
      hint: 'fix the chart template that renders this file; the API server would refuse it too',
    });
  }
}
