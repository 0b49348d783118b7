// The registry-mirror rewrite: every image reference of a rendered manifest moved to the mirror,
// with the digest the lock pins. One pure function, run by render in-process and by helm's
// --post-renderer on upgrade (post-render.ts), so what helm stores is what render and diff show.
// Only the image scalars are edited in place: comments (`# Source:`), order and formatting stay.
// Hooks are left as they are, as helm 3 leaves them: its post-renderer never sees hook manifests.
import { isScalar, parseDocument } from 'yaml';
import { objectHeader } from '../yaml/object-header.js';
import { plainSafe } from '../yaml/scalars.js';
import { mirrorRef } from './mirror.js';
import { formatImageRef, parseImageRef } from './reference.js';
import { type ImageField, imageSites, mayHoldImages } from './sites.js';

/** What the rewrite of one release needs; deploy hands helm's post-renderer the same. */
export interface ImageRewrite {
  /** platform.registry.mirror: host[:port][/prefix]. */
  mirror: string;
  /** images.lock.yaml: source reference (full form) → sha256 digest. */
  digests: Readonly<Record<string, string>>;
  /** The chart's declared image fields (runlevel.dev/image-fields). */
  fields: readonly ImageField[];
}

/** The mirrored form of one reference (tag kept, the lock's digest added); undefined: not one. */
export function mirroredRef(ref: string, rw: Pick<ImageRewrite, 'mirror' | 'digests'>): string | undefined {
  const parsed = parseImageRef(ref);
  if (!parsed) return undefined;
  return mirrorRef(ref, rw.mirror, rw.digests[formatImageRef(parsed)]);
}

/** The manifest with every image of every non-hook object in the mirror; the rest byte for byte. */
export function rewriteManifest(manifest: string, rw: ImageRewrite): string {
  let out = '';
  let last = 0;
  for (const [start, end] of documentSpans(manifest)) {
    const text = manifest.slice(start, end);
    const rewritten = rewriteDocument(text, rw);
    if (rewritten === text) continue;
    out += manifest.slice(last, start) + rewritten;
    last = end;
  }
  return last === 0 ? manifest : out + manifest.slice(last);
}

function rewriteDocument(text: string, rw: ImageRewrite): string {
  const head = safeHeader(text);
  if (!head || head.hook || !mayHoldImages(head.kind, rw.fields)) return text;
  const doc = parseDocument(text, { keepSourceTokens: false, uniqueKeys: false });
  if (doc.errors.length > 0) return text; // helm would refuse it; nothing of ours to fix
  const body = doc.toJS() as unknown;
  if (typeof body !== 'object' || body === null || Array.isArray(body)) return text;
  const edits: { from: number; to: number; text: string }[] = [];
  for (const site of imageSites(body as Record<string, unknown>, rw.fields)) {
    const target = mirroredRef(site.ref, rw);
    if (target === undefined || target === site.ref) continue;
    const node = doc.getIn(site.path, true);
    if (!isScalar(node) || !node.range) continue;
    edits.push({ from: node.range[0], to: node.range[1], text: scalarText(site.prefix + target, node.type) });
  }
  edits.sort((a, b) => b.from - a.from);
  let out = text;
  for (const e of edits) out = out.slice(0, e.from) + e.text + out.slice(e.to);
  return out;
}

/** The new value written in the style of the old one (plain, single or double quotes). */
function scalarText(value: string, style: string | undefined): string {
  if (style === 'QUOTE_SINGLE') return `'${value.replaceAll("'", "''")}'`;
  if (style === 'PLAIN' && plainSafe(value, false)) return value;
  return JSON.stringify(value);
}

function safeHeader(text: string): ReturnType<typeof objectHeader> {
  try {
    return objectHeader(text);
  } catch {
    return undefined; // not YAML: left for helm to refuse
  }
}

/** [start, end) of each document's text between `---` lines, as offsets into the stream. */
function documentSpans(stream: string): [number, number][] {
  const spans: [number, number][] = [];
  const separator = /^---[ \t]*$/gm;
  let start = 0;
  for (let m = separator.exec(stream); m; m = separator.exec(stream)) {
    if (m.index > start) spans.push([start, m.index]);
    start = m.index + m[0].length;
  }
  if (start < stream.length) spans.push([start, stream.length]);
  return spans;
}
