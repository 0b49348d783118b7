// The only temporary files a run makes live in one private directory per process,
// $TMPDIR/runlevel-<pid>-<start time>-XXXXXX (0700), removed when the work is done, again on every
// exit (a second Ctrl-C included), and swept by the next run when a process was killed outright:
// the name says whose it is, so a directory of a process still running is never touched.
// Nothing decrypted is ever put here (values and renders go to the tools on their stdin); this
// is only the order kept for what does need a file.
import { mkdtempSync, readdirSync, rmSync, statSync } from 'node:fs';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { UserError } from './errors.js';
import { procStartTime } from './proc.js';

const prefix = 'runlevel-';
const ownName = /^runlevel-(\d+)-(\d+)-[A-Za-z0-9]{6}$/;
/**
 * What runlevel before this one left behind, by name and content (the merged values, a render, CRD
 * schemas): no owner in the name, so swept once an hour old.
 */
const legacy: Record<string, (entries: string[]) => boolean> = {
  values: (e) => e.length === 1 && e[0] === 'values.yaml',
  check: (e) => e.length === 1 && e[0] === 'render',
  'crd-schemas': (e) => e.every((n) => n.endsWith('.json')),
};
const legacyName = /^runlevel-(values|check|crd-schemas)-[A-Za-z0-9]{6}$/;
const legacyAgeMs = 60 * 60_000;

let runDir: string | undefined;

/** This process's scratch directory, made on first use; the TMPDIR of the tools we run. */
export function scratchRoot(): string {
  if (!runDir) {
    const base = tmpdir();
    try {
      runDir = mkdtempSync(join(base, `${prefix}${process.pid}-${procStartTime(process.pid) ?? '0'}-`));
    } catch (err) {
      throw noScratch(base, err as NodeJS.ErrnoException);
    }
  }
  return runDir;
}

/** TMPDIR that is missing, a file, read-only or not ours to write: the environment's mistake, said so. */
function noScratch(base: string, err: NodeJS.ErrnoException): UserError {
  const why: Record<string, string> = {
    ENOENT: 'it does not exist',
    ENOTDIR: 'it is not a directory',
    EACCES: 'it is not writable for this user',
    EPERM: 'it is not writable for this user',
    EROFS: 'it is on a read-only file system',
    ENOSPC: 'its file system is full',
  };
  const from = process.env.TMPDIR ? `TMPDIR=${base}` : `the temporary directory ${base}`;
  return new UserError(
    `${from} cannot hold runlevel's private temporary directory: ${why[err.code ?? ''] ?? err.message}`,
    {
      hint: 'point TMPDIR at a writable directory that exists, or unset it to use /tmp (in a --read-only container: TMPDIR=/dev/shm)',
    },
  );
}

/** A fresh private directory for `fn`, removed when it settles. */
export async function withScratchDir<T>(name: string, fn: (dir: string) => Promise<T>): Promise<T> {
  const dir = await mkdtemp(join(scratchRoot(), `${name}-`));
  try {
    return await fn(dir);
  } finally {
    await rm(dir, { recursive: true, force: true });
  }
}

const alsoOnExit = new Set<string>();

/** A directory made elsewhere (a render being written) to remove on exit too; call the result when it is gone. */
export function removeOnExit(path: string): () => void {
  alsoOnExit.add(path);
  return () => alsoOnExit.delete(path);
}

/** Remove this process's scratch directory now (exit paths: no await possible there). */
export function removeScratchSync(): void {
  for (const path of alsoOnExit) rmSync(path, { recursive: true, force: true });
  alsoOnExit.clear();
  if (!runDir) return;
  rmSync(runDir, { recursive: true, force: true });
  runDir = undefined;
}

/**
 * Remove what earlier runs left in `dir` when killed (kill -9, a crash): directories named for a
 * process that is gone (or whose PID now belongs to another process), and an earlier version's
 * directories once an hour old. Only our own user's; errors are ignored: sweeping is best effort.
 */
export function sweepStaleScratch(dir = tmpdir(), now = Date.now()): string[] {
  const swept: string[] = [];
  let names: string[];
  try {
    names = readdirSync(dir).filter((n) => n.startsWith(prefix));
  } catch {
    return swept;
  }
  for (const name of names) {
    const path = join(dir, name);
    try {
      const st = statSync(path);
      if (!st.isDirectory() || (process.getuid && st.uid !== process.getuid())) continue;
      const own = ownName.exec(name);
      const stale = own
        ? !isRunning(Number(own[1]), own[2] as string)
        : isOldLegacy(path, name, st.mtimeMs, now);
      if (!stale) continue;
      rmSync(path, { recursive: true, force: true });
      swept.push(path);
    } catch {
      // gone meanwhile, or not ours to remove
    }
  }
  return swept;
}

function isOldLegacy(path: string, name: string, mtimeMs: number, now: number): boolean {
  const kind = legacyName.exec(name)?.[1];
  const looksLike = kind ? legacy[kind] : undefined;
  return looksLike !== undefined && now - mtimeMs > legacyAgeMs && looksLike(readdirSync(path));
}

/** The process with this PID is the one that made the directory: same PID, same start time. */
function isRunning(pid: number, startTime: string): boolean {
  if (pid === process.pid) return procStartTime(pid) === startTime || startTime === '0';
  const now = procStartTime(pid);
  if (now !== undefined) return startTime === '0' || now === startTime;
  try {
    process.kill(pid, 0); // no /proc (not Linux): alive is all we can know
    return true;
  } catch (err) {
    return (err as NodeJS.ErrnoException).code === 'EPERM';
  }
}
