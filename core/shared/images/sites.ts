// Where an object carries image references: the containers of every pod-bearing kind, and the
// fields a chart declares (runlevel.dev/image-fields) for custom resources and container args.
// The collector (images), the rewrite (mirror) and check all walk the same sites.
import { formatPath, parsePath, type Segment } from '../field-path.js';
import { parseImageRef } from './reference.js';

/** One field a chart declares as holding an image: `{kind: Prometheus, path: spec.image}`. */
export interface ImageField {
  kind: string;
  /** Field path as drift and status write it; `[*]` matches every item of a list. */
  path: string;
  /** Text in front of the reference inside the string: `--reloader-image=`. */
  prefix?: string;
}

export interface ImageSite {
  /** Keys and indexes from the object's root to the string. */
  path: (string | number)[];
  /** As status prints it: spec.template.spec.containers[name=app].image. */
  field: string;
  /** The image reference in the string (without the prefix). */
  ref: string;
  prefix: string;
}

/** Where each pod-bearing kind keeps its pod spec. */
const podSpecPaths: Record<string, string[]> = {
  Pod: ['spec'],
  Deployment: ['spec', 'template', 'spec'],
  StatefulSet: ['spec', 'template', 'spec'],
  DaemonSet: ['spec', 'template', 'spec'],
  ReplicaSet: ['spec', 'template', 'spec'],
  ReplicationController: ['spec', 'template', 'spec'],
  Job: ['spec', 'template', 'spec'],
  CronJob: ['spec', 'jobTemplate', 'spec', 'template', 'spec'],
  PodTemplate: ['template', 'spec'],
};

export const containerLists = ['initContainers', 'containers', 'ephemeralContainers'] as const;

/** True when objects of this kind may carry images (so a cheap header look can skip the rest). */
export function mayHoldImages(kind: string, fields: readonly ImageField[]): boolean {
  return kind in podSpecPaths || fields.some((f) => f.kind === kind);
}

/** Every image site of one object, in document order of its kinds of fields. */
export function imageSites(body: Record<string, unknown>, fields: readonly ImageField[] = []): ImageSite[] {
  const kind = typeof body.kind === 'string' ? body.kind : '';
  const out: ImageSite[] = [];
  const podPath = podSpecPaths[kind];
  if (podPath) {
    const spec = at(body, podPath);
    for (const list of containerLists) {
      const items = isMap(spec) ? spec[list] : undefined;
      if (!Array.isArray(items)) continue;
      items.forEach((c, i) => {
        if (!isMap(c) || typeof c.image !== 'string' || !parseImageRef(c.image)) return;
        const segs: Segment[] = [
          ...podPath.map((key) => ({ key })),
          { key: list },
          { item: itemName(c, i) },
          { key: 'image' },
        ];
        out.push({ path: [...podPath, list, i, 'image'], field: formatPath(segs), ref: c.image, prefix: '' });
      });
    }
  }
  for (const f of fields) {
    if (f.kind !== kind) continue;
    const segs = parsePath(f.path);
    if (!segs) continue; // refused when the chart's annotation is read (fields.ts)
    walk(body, segs, [], [], (value, path, shown) => {
      const prefix = f.prefix ?? '';
      if (!value.startsWith(prefix)) return;
      const ref = value.slice(prefix.length);
      if (!parseImageRef(ref)) return;
      if (out.some((s) => samePath(s.path, path))) return; // declared and a container field alike
      out.push({ path, field: formatPath(shown), ref, prefix });
    });
  }
  return out;
}

function walk(
  node: unknown,
  segs: readonly Segment[],
  path: (string | number)[],
  shown: Segment[],
  visit: (value: string, path: (string | number)[], shown: Segment[]) => void,
): void {
  const [seg, ...rest] = segs;
  if (!seg) {
    if (typeof node === 'string') visit(node, path, shown);
    return;
  }
  if ('key' in seg) {
    if (!isMap(node)) return;
    const keys = seg.key === '*' ? Object.keys(node) : [seg.key];
    for (const k of keys) {
      if (k in node) walk(node[k], rest, [...path, k], [...shown, { key: k }], visit);
    }
    return;
  }
  if (!Array.isArray(node)) return;
  node.forEach((item, i) => {
    const name = itemName(item, i);
    const wanted = seg.item === '*' || seg.item === String(i) || seg.item === name;
    if (wanted) walk(item, rest, [...path, i], [...shown, { item: name }], visit);
  });
}

/** A list item as status names it: by its name when it has one, else by index. */
function itemName(item: unknown, i: number): string {
  return isMap(item) && typeof item.name === 'string' ? `name=${item.name}` : String(i);
}

function at(body: unknown, path: readonly string[]): unknown {
  let node = body;
  for (const key of path) node = isMap(node) ? node[key] : undefined;
  return node;
}

function samePath(a: readonly (string | number)[], b: readonly (string | number)[]): boolean {
  return a.length === b.length && a.every((x, i) => x === b[i]);
}

function isMap(v: unknown): v is Record<string, unknown> {
  return typeof v === 'object' && v !== null && !Array.isArray(v);
}
