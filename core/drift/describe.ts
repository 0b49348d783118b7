// A release's drift in words: a few for a plan's reason, one line per object or field for people,
// and value-free items for the deploy record. No heavy imports: the deploy plan uses it.
import type { ReleaseDrift } from './types.js';

/** "1 object missing, 2 fields changed": a release's drift in a few words, for reasons and summaries. */
export function describeDrift(d: ReleaseDrift): string {
  const missing = d.objects.filter((o) => o.missing).length;
  const fields = d.objects.reduce((n, o) => n + o.changes.length, 0);
  const parts = [];
  if (missing > 0) parts.push(`${missing} object${missing === 1 ? '' : 's'} missing`);
  if (fields > 0) parts.push(`${fields} field${fields === 1 ? '' : 's'} changed`);
  return parts.join(', ');
}

/** One line per drifted object or field, without values: the deploy record keeps these. */
export function driftItems(d: ReleaseDrift): string[] {
  return d.objects.flatMap((o) => {
    const id = objectLabel(o);
    return o.missing ? [`${id} (missing)`] : o.changes.map((c) => `${id} ${c.path}`);
  });
}

/** Lines for people: each missing object, and each changed field with the manifest's and the live value. */
export function driftLines(d: ReleaseDrift): string[] {
  return d.objects.flatMap((o) => {
    const id = objectLabel(o);
    if (o.missing) return [`- ${id}: missing`];
    return o.changes.map((c) =>
      c.want === undefined
        ? `~ ${id} ${c.path}: changed`
        : `~ ${id} ${c.path}: ${c.live} (live), ${c.want} (values)`,
    );
  });
}

export function objectLabel(o: { kind: string; name: string; namespace?: string }): string {
  return `${o.kind}/${o.namespace ? `${o.namespace}/` : ''}${o.name}`;
}
