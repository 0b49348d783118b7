// The merged values (decrypted secrets included) reach helmfile without ever being written to a
// disk: the image runs on a read-only file system, and a values file left behind would leak them.
// On Linux they go into an unnamed file in memory (O_TMPFILE on the tmpfs /dev/shm: no name, no
// disk, gone when the last descriptor closes), which helmfile opens through our /proc/<pid>/fd/N;
// opened by that path it reads from the start each time, so one helmfile process can plan every runlevel file
// (it reads the state values once per file, several at once). Without such a file system the
// values go to one helmfile process per runlevel file on its standard input, /dev/stdin (see
// `stdinAsPipe` in shared/exec.ts).
import { closeSync, constants, openSync, statfsSync, writeSync } from 'node:fs';
import { log } from '../shared/log.js';

/** The state values as helmfile receives them. */
export interface StateValues {
  /** JSON is YAML, and it keeps every string a string (no YAML 1.1 surprises such as `on`, 1.10). */
  readonly json: string;
  /** The unnamed in-memory file holding `json`, by our descriptor, when the system has one. */
  readonly memory?: { fd: number; path: string };
}

export const stateValuesArgs = ['--state-values-file', '/dev/stdin'] as const;

export function stateValues(values: unknown): StateValues {
  return { json: JSON.stringify(values) };
}

const O_TMPFILE = 0o20200000; // Linux: __O_TMPFILE | O_DIRECTORY
const TMPFS_MAGIC = 0x01021994;

/** The render's one entry point for the values it hands to helmfile; the memory file is closed after. */
export async function withStateValues<T>(
  values: unknown,
  fn: (state: StateValues) => Promise<T>,
): Promise<T> {
  const json = JSON.stringify(values);
  const fd = memoryFile(json);
  try {
    return await fn(
      fd === undefined ? { json } : { json, memory: { fd, path: `/proc/${process.pid}/fd/${fd}` } },
    );
  } finally {
    if (fd !== undefined) closeSync(fd);
  }
}

function memoryFile(text: string): number | undefined {
  if (process.platform !== 'linux') return undefined;
  try {
    if (statfsSync('/dev/shm').type !== TMPFS_MAGIC) return undefined;
    const fd = openSync('/dev/shm', constants.O_RDWR | O_TMPFILE, 0o600);
    const bytes = Buffer.from(text);
    let at = 0;
    while (at < bytes.length) at += writeSync(fd, bytes, at, bytes.length - at, at);
    return fd;
  } catch (err) {
    log.debug(() => `state values: no in-memory file (${(err as Error).message}); one helmfile per runlevel`);
    return undefined;
  }
}
