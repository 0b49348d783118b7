// The daemons of the local control plane. Each is started detached with its log in the state
// directory, and recorded by PID together with its kernel start time, so `down` stops exactly
// the processes it started and never a stranger that reused a PID after a crash or reboot.

import { spawn } from 'node:child_process';
import { openSync, readFileSync } from 'node:fs';
import { setTimeout as sleep } from 'node:timers/promises';
import { processAlive, procStartTime } from '../shared/proc.js';

export interface DaemonRecord {
  name: string;
  pid: number;
  startTime: string; // field 22 of /proc/<pid>/stat: ticks since boot when it started
  logFile: string;
}

export function startDaemon(
  name: string,
  bin: string,
  args: string[],
  logFile: string,
  env: Record<string, string> = {},
): DaemonRecord {
  const log = openSync(logFile, 'a');
  // node's spawn, not execa: a daemon must outlive us (execa's whole design is the opposite).
  const child = spawn(bin, args, {
    detached: true, // own process group: a Ctrl-C in the terminal that ran `up` does not stop it
    stdio: ['ignore', log, log],
    env: { ...process.env, ...env },
  });
  child.on('error', () => {}); // a failed start is seen through the PID check
  child.unref();
  if (!child.pid) throw new Error(`could not start ${name}`);
  return { name, pid: child.pid, startTime: procStartTime(child.pid) ?? '', logFile };
}

/** Alive and still the very process we started (not a zombie, not a reused PID). */
export function isOurs(d: DaemonRecord): boolean {
  return processAlive(d.pid, d.startTime);
}

/** SIGTERM, then SIGKILL after the grace period. Returns once the process is gone. */
export async function stopDaemon(d: DaemonRecord, graceMs = 10_000): Promise<'stopped' | 'gone'> {
  if (!isOurs(d)) return 'gone';
  signal(d.pid, 'SIGTERM');
  const deadline = Date.now() + graceMs;
  while (isOurs(d) && Date.now() < deadline) await sleep(100);
  if (isOurs(d)) {
    signal(d.pid, 'SIGKILL');
    while (isOurs(d)) await sleep(50);
  }
  return 'stopped';
}

function signal(pid: number, sig: NodeJS.Signals): void {
  try {
    process.kill(pid, sig);
  } catch {
    // already exited between the check and the signal
  }
}

/** The last lines of a daemon's log, for an error message. */
export function logTail(file: string, lines = 8): string {
  try {
    return readFileSync(file, 'utf8').trimEnd().split('\n').slice(-lines).join('\n');
  } catch {
    return '';
  }
}
