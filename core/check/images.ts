// What the registry-mirror rewrite cannot reach, refused by check when a mirror is set: images of
// hooks (helm never passes hooks to its post-renderer) and any string that looks like an image
// from a registry host in a field no chart declared. Each finding names the object, the field and
// the values line to change.

import { parseImageRef } from '../shared/images/reference.js';
import { mirroredRef } from '../shared/images/rewrite.js';
import { type ImageField, imageSites } from '../shared/images/sites.js';
import type { Finding } from './findings.js';
import { lineOfPointer } from './locate.js';
import { objectId } from './policies.js';
import type { RenderedObject } from './rendered.js';

export interface ImageCheckContext {
  /** platform.registry.mirror; nothing is checked here without one. */
  mirror: string;
  digests?: Readonly<Record<string, string>>;
  /** The declared image fields of a release's chart (`<runlevel>/<release>`). */
  fieldsOf?: (release: string) => readonly ImageField[];
  /**
   * The values line (or chart default) that set an image of a release, for the hint; `at`: the
   * rendered file and the key path of the field, so the template that wrote it is read.
   */
  originOf?: (
    release: string,
    ref: string,
    at?: { file: string; keys: string[]; item?: string },
  ) => string | undefined;
}

const hookRule = 'images/hook-outside-mirror';
const looseRule = 'images/outside-mirror';

export function imageFindings(objects: readonly RenderedObject[], ctx: ImageCheckContext): Finding[] {
  if (!ctx.mirror) return [];
  // In the mirror: under its host and path prefix, as the allowed-registries policy reads it.
  const prefix = `${ctx.mirror.replace(/\/+$/, '')}/`;
  const outside = (ref: string) => !ref.startsWith(prefix);
  const findings: Finding[] = [];
  for (const o of objects) {
    const key = `${o.runlevel}/${o.release}`;
    const hook = hookOf(o.body);
    const seen = new Set<string>();
    const finding = (pointer: string, rule: string, message: string, hint: string): Finding => ({
      rule,
      severity: 'error',
      object: objectId(o),
      runlevel: o.runlevel,
      release: o.release,
      file: o.ref.file,
      line: lineOfPointer(o.doc, pointer),
      message,
      hint,
    });
    const setAt = (ref: string, path: readonly (string | number)[], field = '') => {
      const keys = path.filter((k): k is string => typeof k === 'string');
      // The list item the field is in (`name=worker`) tells two `range` items alike apart.
      const item = /\[([^\]]+)\]\.[^.[\]]+$/.exec(field)?.[1];
      const origin = ctx.originOf?.(key, ref, { file: o.ref.file, keys, ...(item ? { item } : {}) });
      return origin ? ` (set at ${origin})` : '';
    };
    for (const site of imageSites(o.body, ctx.fieldsOf?.(key) ?? [])) {
      // The rewrite's own fields: the allowed-registries policy judges containers; only a hook,
      // which the rewrite never reaches, needs the finding below.
      const pointer = toPointer(site.path);
      seen.add(pointer);
      if (hook && outside(site.ref)) {
        const target = mirroredRef(site.ref, { mirror: ctx.mirror, digests: ctx.digests ?? {} }) ?? '';
        findings.push(
          finding(
            pointer,
            hookRule,
            `hook (${hook}) image "${site.ref}" at ${site.field} is outside the mirror ${ctx.mirror}: helm never passes hooks to its post-renderer, so the mirror rewrite cannot reach it`,
            `set the image in values to ${target}${setAt(site.ref, site.path, site.field)}`,
          ),
        );
      }
    }
    walkStrings(o.body, [], (value, path) => {
      const pointer = toPointer(path);
      if (seen.has(pointer)) return;
      const ref = looksLikeImage(value);
      if (!ref || !outside(ref)) return;
      findings.push(
        finding(
          pointer,
          looseRule,
          `"${value}" at ${path.join('.')} looks like an image outside the mirror ${ctx.mirror}${hook ? ` (in a hook, which helm does not post-render)` : ''}`,
          `declare the field in the chart's Chart.yaml annotation runlevel.dev/image-fields (a vendored chart: in charts/<chart>.image-fields.yaml beside it), or set it in values${setAt(ref, path)}`,
        ),
      );
    });
  }
  return findings;
}

/**
 * The image reference a string holds (the whole string, or the value of a `--flag=ref`), when it
 * names a registry host (a dot, a port or localhost) and a tag or digest; else undefined.
 */
export function looksLikeImage(value: string): string | undefined {
  const candidate = /^--?[\w.-]+=(.*)$/.exec(value)?.[1] ?? value;
  const m =
    /^((?:[a-z0-9-]+(?:\.[a-z0-9-]+)+|localhost)(?::\d+)?|[a-z0-9-]+:\d+)\/[a-z0-9._/-]+(?::[\w][\w.-]{0,127})?(?:@sha256:[0-9a-f]{64})?$/.exec(
      candidate,
    );
  if (!m) return undefined;
  const ref = parseImageRef(candidate);
  const tagged =
    /:[\w][\w.-]*$/.test(candidate.split('@')[0]?.split('/').pop() ?? '') || candidate.includes('@');
  return ref && tagged ? candidate : undefined;
}

function hookOf(body: Record<string, unknown>): string | undefined {
  const annotations = (body.metadata as { annotations?: Record<string, unknown> } | undefined)?.annotations;
  const hook = annotations?.['helm.sh/hook'];
  return typeof hook === 'string' && hook.trim() !== '' ? hook.replace(/\s+/g, '') : undefined;
}

function walkStrings(
  node: unknown,
  path: (string | number)[],
  visit: (value: string, path: (string | number)[]) => void,
): void {
  if (typeof node === 'string') visit(node, path);
  else if (Array.isArray(node)) for (const [i, v] of node.entries()) walkStrings(v, [...path, i], visit);
  else if (typeof node === 'object' && node !== null) {
    for (const [k, v] of Object.entries(node)) walkStrings(v, [...path, k], visit);
  }
}

function toPointer(path: readonly (string | number)[]): string {
  return path.map((p) => `/${String(p).replaceAll('~', '~0').replaceAll('/', '~1')}`).join('');
}
