// The files of a packaged chart (a vendored .tgz, or charts/<dep>.tgz as `helm dependency build`
// leaves sub-charts), read in memory. Upstream archives are untrusted input, so they are parsed by
// node-tar (the tar implementation npm itself uses), not by hand; paths are reported as written,
// and the callers refuse the ones that climb out of the chart.
import { Parser, type ReadEntry } from 'tar';

/** Regular files of a .tgz, by path inside the archive. Throws on a corrupt archive. */
export function readTgz(archive: Buffer): Map<string, Buffer> {
  const files = new Map<string, Buffer>();
  let failure: Error | undefined;
  const parser = new Parser({
    strict: true,
    onwarn: (_code, message) => {
      failure ??= new Error(String(message));
    },
    onReadEntry: (entry: ReadEntry) => {
      if (entry.type !== 'File' && entry.type !== 'OldFile') {
        entry.resume(); // a directory, a link: nothing a chart needs here
        return;
      }
      const chunks: Buffer[] = [];
      entry.on('data', (chunk: Buffer) => chunks.push(chunk));
      entry.on('end', () => files.set(entry.path.replace(/^\.\//, ''), Buffer.concat(chunks)));
    },
  });
  parser.on('error', (err: Error) => {
    failure ??= err;
  });
  // Synchronous: fed a whole buffer, the parser (and its gunzip) emits every entry before end() returns.
  parser.end(archive);
  if (failure) throw failure;
  return files;
}
