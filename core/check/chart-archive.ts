// The files of a packaged chart (a vendored .tgz, or charts/<dep>.tgz as `helm dependency build`
// leaves sub-charts), read in memory. Upstream archives are untrusted input, so they are parsed by
// node-tar (the tar implementation npm itself uses), not by hand; paths are reported as written,
// and the callers refuse the ones that climb out of the chart. Limits, so no archive can flood
// memory: gunzip stops as soon as its output passes maxUnpackedBytes (zlib inflates chunk by
// chunk and checks the total after each one, before inflating more), nested archives get the same
// limit, and file contents stay views into the one inflated buffer rather than copies.
import { gunzipSync } from 'node:zlib';
import { Parser, type ReadEntry } from 'tar';

/** What the inflated tar may hold: a chart is text; the biggest public ones unpack to a few MiB. With Node itself
// (about 64 MB resident) this keeps a process reading any archive under about 100 MB. */
export const maxUnpackedBytes = 16 * 1024 * 1024;

/** A chart archive that cannot be read: the message says why, for the caller to name the archive. */
export class ArchiveError extends Error {}

/** Entry types a chart archive holds: helm packages regular files (and their directories) only. */
const fileTypes = new Set(['File', 'OldFile']);
const skippedTypes = new Set(['Directory', 'GlobalExtendedHeader', 'ExtendedHeader', 'NextFileHasLongPath']);

/**
 * Regular files of a .tgz, by path inside the archive. Throws an ArchiveError on a corrupt
 * archive, one that unpacks past the limit, and one holding a link or a device: `helm package`
 * writes links as the files they point to, and helm's loader reads a link entry as an empty file,
 * so an archive with links is not what helm would deploy (and a link to /etc/passwd is an attack).
 */
export function readTgz(archive: Buffer): Map<string, Buffer> {
  const tar = inflate(archive);
  const files = new Map<string, Buffer>();
  const links: string[] = [];
  let failure: Error | undefined;
  const parser = new Parser({
    strict: true,
    onwarn: (_code, message) => {
      failure ??= new ArchiveError(String(message));
    },
    onReadEntry: (entry: ReadEntry) => {
      const path = entry.path.replace(/^\.\//, '');
      if (!fileTypes.has(entry.type)) {
        if (!skippedTypes.has(entry.type)) {
          const target = entry.linkpath ? ` → ${entry.linkpath}` : '';
          links.push(`${path} (${describeType(entry.type)}${target})`);
        }
        entry.resume();
        return;
      }
      const chunks: Buffer[] = [];
      entry.on('data', (chunk: Buffer) => chunks.push(chunk));
      entry.on('end', () =>
        files.set(path, chunks.length === 1 ? (chunks[0] as Buffer) : Buffer.concat(chunks)),
      );
    },
  });
  parser.on('error', (err: Error) => {
    failure ??= new ArchiveError(err.message);
  });
  // Synchronous: fed a whole buffer, the parser emits every entry before end() returns.
  parser.end(tar);
  if (failure) throw failure;
  if (links.length > 0) {
    throw new ArchiveError(
      `it holds ${links.length === 1 ? 'an entry' : `${links.length} entries`} that ${links.length === 1 ? 'is' : 'are'} not a regular file: ${links.slice(0, 5).join(', ')}${links.length > 5 ? ', …' : ''}`,
    );
  }
  return files;
}

/** The tar inside the gzip, inflated up to the limit (a plain tar is taken as it is). */
function inflate(archive: Buffer): Buffer {
  if (archive[0] !== 0x1f || archive[1] !== 0x8b) {
    if (archive.length > maxUnpackedBytes) throw tooBig();
    return archive;
  }
  try {
    return gunzipSync(archive, { maxOutputLength: maxUnpackedBytes });
  } catch (err) {
    const e = err as NodeJS.ErrnoException;
    if (e.code === 'ERR_BUFFER_TOO_LARGE') throw tooBig();
    throw new ArchiveError(`it is not a valid gzip file (${e.message})`);
  }
}

function tooBig(): ArchiveError {
  return new ArchiveError(
    `it unpacks to more than ${maxUnpackedBytes / 1024 / 1024} MiB (stopped there): no chart is that large, a decompression bomb is`,
  );
}

function describeType(type: string): string {
  if (type === 'SymbolicLink') return 'a symbolic link';
  if (type === 'Link') return 'a hard link';
  return `a ${type.replace(/([a-z])([A-Z])/g, '$1 $2').toLowerCase()}`;
}
