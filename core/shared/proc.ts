// Is a process still the one we mean? A PID alone is not enough: after a crash or a reboot the
// number is given to another process. Linux gives each process a start time (ticks since boot,
// field 22 of /proc/<pid>/stat); a PID with the same start time on the same boot is the same one.
import { readFileSync, readlinkSync } from 'node:fs';

/** Field 22 of /proc/<pid>/stat; undefined when the process does not exist (or no /proc). */
export function procStartTime(pid: number): string | undefined {
  try {
    const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
    // The command name (field 2) may contain spaces; fields after the closing paren are fixed.
    return stat.slice(stat.lastIndexOf(')') + 2).split(' ')[19];
  } catch {
    return undefined;
  }
}

/** Alive and still the process that had `startTime` (not a zombie, not a reused PID). */
export function processAlive(pid: number, startTime: string): boolean {
  const start = procStartTime(pid);
  if (start === undefined || start !== startTime) return false;
  try {
    const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
    return stat.slice(stat.lastIndexOf(')') + 2)[0] !== 'Z';
  } catch {
    return false;
  }
}

/**
 * What makes two PIDs comparable: the same boot and the same PID namespace (two containers on one
 * host can both have a PID 7). Undefined parts (no /proc) make a PID incomparable.
 */
export interface ProcessSpace {
  bootId?: string;
  pidNamespace?: string;
}

export function processSpace(): ProcessSpace {
  const read = (f: () => string) => {
    try {
      return f().trim();
    } catch {
      return undefined;
    }
  };
  return {
    bootId: read(() => readFileSync('/proc/sys/kernel/random/boot_id', 'utf8')),
    pidNamespace: read(() => readlinkSync('/proc/self/ns/pid')),
  };
}
