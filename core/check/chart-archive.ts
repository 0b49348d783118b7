// The files of a packaged chart (charts/<dep>.tgz, as `helm dependency build` leaves sub-charts),
// read in memory. Only what helm's own packages use: gzip over ustar, with PAX or GNU long names;
// a whole tar library would be a dependency for twenty lines.
import { gunzipSync } from 'node:zlib';

const block = 512;

/** Regular files of a .tgz, by path inside the archive. */
export function readTgz(archive: Buffer): Map<string, Buffer> {
  const tar = gunzipSync(archive);
  const files = new Map<string, Buffer>();
  let nextName: string | undefined; // from a PAX `path` record or a GNU long-name entry
  for (let at = 0; at + block <= tar.length; ) {
    const header = tar.subarray(at, at + block);
    if (header.every((b) => b === 0)) break; // end of archive
    const size = Number.parseInt(text(header, 124, 12) || '0', 8);
    const type = String.fromCharCode(header[156] ?? 0);
    const data = tar.subarray(at + block, at + block + size);
    at += block + Math.ceil(size / block) * block;
    if (type === 'x') {
      nextName = /(?:^|\n)\d+ path=([^\n]*)\n/.exec(data.toString('utf8'))?.[1] ?? nextName;
    } else if (type === 'L') {
      nextName = text(data, 0, data.length);
    } else if (type === '0' || type === '\0') {
      const prefix = text(header, 345, 155);
      const name = nextName ?? (prefix ? `${prefix}/${text(header, 0, 100)}` : text(header, 0, 100));
      files.set(name.replace(/^\.\//, ''), Buffer.from(data));
      nextName = undefined;
    } else if (type !== 'g') {
      nextName = undefined; // a directory, a link: nothing a chart needs here
    }
  }
  return files;
}

function text(buf: Buffer, start: number, length: number): string {
  const raw = buf.subarray(start, start + length);
  const end = raw.indexOf(0);
  return raw
    .subarray(0, end === -1 ? raw.length : end)
    .toString('utf8')
    .trim();
}
