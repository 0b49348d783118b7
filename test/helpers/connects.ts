// Every address a command connects to, recorded by the kernel's own view of it: strace follows
// the process and all its children (node, helm, helmfile, opa, kubeconform …) and logs each
// connect(2). Air-gapped proof (issue 14): the list must hold the API server and the mirror only.
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { execa } from 'execa';

export interface Connect {
  /** host:port for IP sockets, the path for unix sockets. */
  address: string;
  family: 'inet' | 'inet6' | 'unix';
}

/** Parses strace -e trace=connect output into distinct addresses, in first-seen order. */
export function parseConnects(trace: string): Connect[] {
  const seen = new Map<string, Connect>();
  for (const line of trace.split('\n')) {
    const inet = /sa_family=AF_INET, sin_port=htons\((\d+)\), sin_addr=inet_addr\("([^"]+)"\)/.exec(line);
    const inet6 = /sa_family=AF_INET6, sin6_port=htons\((\d+)\).*?inet_pton\(AF_INET6, "([^"]+)"/.exec(line);
    const unix = /sa_family=AF_UNIX, sun_path=@?"([^"]+)"/.exec(line);
    const c: Connect | undefined = inet
      ? { family: 'inet', address: `${inet[2]}:${inet[1]}` }
      : inet6
        ? { family: 'inet6', address: `[${inet6[2]}]:${inet6[1]}` }
        : unix
          ? { family: 'unix', address: unix[1] as string }
          : undefined;
    if (c && !seen.has(`${c.family} ${c.address}`)) seen.set(`${c.family} ${c.address}`, c);
  }
  return [...seen.values()];
}

/** Runs argv under strace; returns its result and every address connected to. */
export async function recordConnects(
  argv: string[],
  opts: { env?: Record<string, string>; cwd?: string; timeoutMs?: number } = {},
): Promise<{ code: number; stdout: string; stderr: string; connects: Connect[] }> {
  const dir = mkdtempSync(join(tmpdir(), 'runlevel-connects-'));
  const out = join(dir, 'trace');
  try {
    const r = await execa('strace', ['-f', '-qq', '-e', 'trace=connect', '-o', out, ...argv], {
      env: opts.env,
      extendEnv: opts.env === undefined,
      cwd: opts.cwd,
      reject: false,
      timeout: opts.timeoutMs ?? 600_000,
    });
    return {
      code: r.exitCode ?? -1,
      stdout: String(r.stdout),
      stderr: String(r.stderr),
      connects: parseConnects(readFileSync(out, 'utf8')),
    };
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

/** The IP addresses only (unix sockets are local by definition: nscd, the Docker socket). */
export function networkAddresses(connects: Connect[]): string[] {
  return connects.filter((c) => c.family !== 'unix').map((c) => c.address);
}
