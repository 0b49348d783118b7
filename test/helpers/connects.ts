// Every address a command connects to, recorded by the kernel's own view of it: strace follows
// the process and all its children (node, helm, helmfile, opa, kubeconform …) and logs each
// connect(2). Air-gapped proof (issue 14): the list must hold the API server and the mirror only.
import { existsSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
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
    // An IP connect in a form not parsed above is kept whole: it must fail an address check, not vanish.
    const other = /sa_family=AF_INET6?/.test(line) ? line.trim() : undefined;
    const c: Connect | undefined = inet
      ? { family: 'inet', address: `${inet[2]}:${inet[1]}` }
      : inet6
        ? { family: 'inet6', address: `[${inet6[2]}]:${inet6[1]}` }
        : unix
          ? { family: 'unix', address: unix[1] as string }
          : other
            ? { family: 'inet', address: other }
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

/**
 * Records the connect(2) calls of a running process and everything it starts from now on (strace
 * -p, following forks). Attached to the Docker engine's containerd, it sees each container's own
 * processes, which are containerd's descendants, not the docker client's.
 */
export async function traceConnects(pid: number): Promise<{ stop(): Promise<Connect[]> }> {
  const dir = mkdtempSync(join(tmpdir(), 'runlevel-connects-'));
  const out = join(dir, 'trace');
  const strace = execa(
    'strace',
    ['-f', '-qq', '-e', 'trace=connect', '-e', 'signal=none', '-o', out, '-p', String(pid)],
    {
      reject: false,
    },
  );
  // strace prints nothing when it has attached; the trace file appears once it has.
  for (let i = 0; i < 100 && !existsSync(out); i++) await sleep(50);
  await sleep(200);
  return {
    async stop() {
      strace.kill('SIGINT');
      await strace;
      try {
        return parseConnects(readFileSync(out, 'utf8'));
      } finally {
        rmSync(dir, { recursive: true, force: true });
      }
    },
  };
}

/** The containerd of the Docker engine at DOCKER_HOST (scripts/engine.sh keeps it under its exec root). */
export async function engineContainerd(dockerHost: string): Promise<number> {
  const socket = dockerHost.replace(/^unix:\/\//, '');
  const config = join(dirname(socket), 'exec/containerd/containerd.toml');
  const r = await execa('pgrep', ['-f', `containerd --config ${config}`], { reject: false });
  const pid = Number(String(r.stdout).trim().split('\n')[0]);
  if (!pid) throw new Error(`no containerd with ${config} runs (is the engine at ${dockerHost} up?)`);
  return pid;
}
