// A chart's files as chart-templates.ts reads them: a directory on disk, or a sub-chart kept as a
// .tgz in charts/ (as `helm dependency build` leaves it), read in memory by the caller's unpacker
// (render does not parse archives itself). Paths in an archive are below its top directory.
import { existsSync, readdirSync, readFileSync, statSync } from 'node:fs';
import { join } from 'node:path';

/** The regular files of a .tgz by path inside it; throws on an archive it cannot read. */
export type Unpack = (archive: Buffer) => Map<string, Buffer>;

export interface ChartTree {
  /** The directory, or the .tgz, this chart is: what file paths of it are shown under. */
  at: string;
  /** Names in a folder of the chart ('' the top), each a file or a folder. */
  list(rel: string): { name: string; dir: boolean }[];
  read(rel: string): string | undefined;
  /** A sub-chart kept as an archive in this chart, as a tree. */
  archive(rel: string): ChartTree | undefined;
}

export function diskTree(dir: string, unpack?: Unpack): ChartTree {
  return {
    at: dir,
    list: (rel) => {
      const d = join(dir, rel);
      if (!existsSync(d) || !statSync(d).isDirectory()) return [];
      return readdirSync(d)
        .sort()
        .map((name) => ({ name, dir: statSync(join(d, name)).isDirectory() }));
    },
    read: (rel) => (existsSync(join(dir, rel)) ? readFileSync(join(dir, rel), 'utf8') : undefined),
    archive: (rel) =>
      unpack ? archiveTree(join(dir, rel), readFileSync(join(dir, rel)), unpack) : undefined,
  };
}

function archiveTree(at: string, data: Buffer, unpack: Unpack): ChartTree | undefined {
  let entries: Map<string, Buffer>;
  try {
    entries = unpack(data);
  } catch {
    return undefined; // unreadable: its templates are not traced (check reports the archive)
  }
  const files = new Map<string, Buffer>();
  for (const [path, body] of entries) files.set(path.split('/').slice(1).join('/'), body);
  return {
    at,
    list: (rel) => {
      const pre = rel === '' ? '' : `${rel}/`;
      const out = new Map<string, boolean>();
      for (const path of files.keys()) {
        if (!path.startsWith(pre)) continue;
        const [name, ...rest] = path.slice(pre.length).split('/');
        if (name) out.set(name, (out.get(name) ?? false) || rest.length > 0);
      }
      return [...out].sort(([a], [b]) => (a < b ? -1 : 1)).map(([name, dir]) => ({ name, dir }));
    },
    read: (rel) => files.get(rel)?.toString('utf8'),
    archive: (rel) => {
      const data = files.get(rel);
      return data ? archiveTree(join(at, rel), data, unpack) : undefined;
    },
  };
}
