// Wall time of a command, and CPU time of the children this process has waited for
// (Linux /proc/self/stat cutime + cstime), which is how the floor is measured.
import { readFileSync } from 'node:fs';
import { execa } from 'execa';

const ticksPerSecond = 100; // USER_HZ; `getconf CLK_TCK` is 100 on Linux

export function childCpuSeconds(): number {
  const stat = readFileSync('/proc/self/stat', 'utf8');
  const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
  // After "pid (comm) ", fields[0] is state (field 3); cutime and cstime are fields 16 and 17.
  return (Number(fields[13]) + Number(fields[14])) / ticksPerSecond;
}

export async function timeCommand(
  file: string,
  args: string[],
  opts: { env?: Record<string, string>; cwd?: string } = {},
): Promise<{ seconds: number; cpu: number }> {
  const cpu0 = childCpuSeconds();
  const t0 = process.hrtime.bigint();
  const r = await execa(file, args, {
    ...opts,
    reject: false,
    stdout: 'ignore',
    stderr: 'pipe',
    extendEnv: true,
  });
  const seconds = Number(process.hrtime.bigint() - t0) / 1e9;
  if (r.exitCode !== 0)
    throw new Error(`${file} ${args.join(' ')} failed:\n${String(r.stderr).slice(-2000)}`);
  return { seconds, cpu: childCpuSeconds() - cpu0 };
}

export function median(xs: number[]): number {
  const s = [...xs].sort((a, b) => a - b);
  const mid = Math.floor(s.length / 2);
  return s.length % 2 ? (s[mid] as number) : ((s[mid - 1] as number) + (s[mid] as number)) / 2;
}
