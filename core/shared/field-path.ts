// Field paths as drift reports them and ignore rules name them: `spec.replicas`,
// `spec.template.spec.containers[name=app].image`, `metadata.labels["app.kubernetes.io/name"]`.
// List items are named by their merge key (or index); `*` and `[*]` match any key or item.

export type Segment = { key: string } | { item: string };

const plainKey = /^[A-Za-z0-9_$-]+$/;

export function formatPath(path: readonly Segment[]): string {
  let out = '';
  for (const s of path) {
    if ('item' in s) out += `[${s.item}]`;
    else if (plainKey.test(s.key) || s.key === '*') out += `${out ? '.' : ''}${s.key}`;
    else out += `[${JSON.stringify(s.key)}]`;
  }
  return out;
}

/** The segments of a path written as formatPath writes it; undefined when it is malformed. */
export function parsePath(text: string): Segment[] | undefined {
  const out: Segment[] = [];
  let i = 0;
  while (i < text.length) {
    const c = text[i];
    if (c === '.') {
      if (out.length === 0 || text[i + 1] === undefined || text[i + 1] === '.') return undefined;
      i++;
      continue;
    }
    if (c === '[') {
      const quoted = text[i + 1] === '"';
      const end = quoted ? closingQuote(text, i + 2) + 1 : text.indexOf(']', i);
      if (end <= i || text[end] !== ']') return undefined;
      const inner = text.slice(i + 1, end);
      if (inner === '') return undefined;
      try {
        out.push(quoted ? { key: JSON.parse(inner) as string } : { item: inner });
      } catch {
        return undefined;
      }
      i = end + 1;
      continue;
    }
    let end = i;
    while (end < text.length && text[end] !== '.' && text[end] !== '[') end++;
    out.push({ key: text.slice(i, end) });
    i = end;
  }
  return out.length > 0 ? out : undefined;
}

function closingQuote(text: string, from: number): number {
  for (let i = from; i < text.length; i++) {
    if (text[i] === '\\') i++;
    else if (text[i] === '"') return i;
  }
  return -1;
}

/** `rule` names `path` or a field above it, with `*` / `[*]` matching any one segment. */
export function pathCovers(rule: readonly Segment[], path: readonly Segment[]): boolean {
  if (rule.length > path.length) return false;
  return rule.every((r, i) => {
    const p = path[i] as Segment;
    if ('key' in r) return 'key' in p && (r.key === '*' || r.key === p.key);
    return 'item' in p && (r.item === '*' || r.item === p.item);
  });
}
