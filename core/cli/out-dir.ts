// `--out DIR` checked before any work: a path under a file failed after the whole render with a
// stack trace, and one under /proc hung in the kernel's files. Refused here, each with what to do.
import { accessSync, constants, existsSync, readdirSync, realpathSync, statfsSync, statSync } from 'node:fs';
import { dirname, resolve, sep } from 'node:path';
import { UserError } from '../shared/errors.js';

/** Kernel file systems (proc, sysfs, cgroup, cgroup2, debugfs, tracefs, securityfs): never output. */
const kernelFs = new Set([0x9fa0, 0x62656572, 0x27e0eb, 0x63677270, 0x64626720, 0x74726163, 0x73636673]);
const kernelDirs = ['/proc', '/sys', '/dev'];

/** The absolute output directory, or a UserError (exit 2) saying why it cannot be one. */
export function usableOutDir(flag: string): string {
  const out = resolve(flag);
  const refuse = (why: string, hint: string) => new UserError(`--out ${flag}: ${why}`, { hint });
  const fresh = 'pass a new or empty directory (or one holding an earlier render)';

  let existing = out; // the nearest part of the path that exists
  while (!existsSync(existing) && dirname(existing) !== existing) existing = dirname(existing);
  const real = realpathSync(existing);
  const kernel = kernelDirs.find((d) => real === d || real.startsWith(d + sep));
  if (kernel || kernelFs.has(Number(statfsSync(real).type)))
    throw refuse(
      `${real} is ${kernel ? `in ${kernel}, ` : 'on '}a kernel file system, not a place for files`,
      fresh,
    );

  const st = statSync(existing);
  if (!st.isDirectory()) {
    throw existing === out
      ? refuse('exists and is not a directory', fresh)
      : refuse(`${existing} is a file, so nothing can be created under it`, fresh);
  }
  if (existing === out) {
    const entries = readdirSync(out);
    if (entries.length > 0 && !entries.includes('index.json'))
      throw refuse(
        'is not empty and holds no earlier render (no index.json)',
        `${fresh}: the whole directory is replaced`,
      );
  }
  // The render is written next to DIR first, then moved into place: the parent must take new entries.
  const parent = existing === out ? dirname(out) : existing;
  try {
    accessSync(parent, constants.W_OK);
  } catch (err) {
    throw refuse(`cannot write in ${parent} (${(err as NodeJS.ErrnoException).code ?? 'denied'})`, fresh);
  }
  return out;
}
