// runlevel serve: the status pages of one cluster (--cluster) or of every cluster of runlevel.yaml
// (--fleet), read on an interval into memory and served read-only on 127.0.0.1 unless told.
import { readFileSync } from 'node:fs';
import { parseDuration } from '../../deploy/plan.js';
import { type ClusterStatus, emptyCounts, type Status, startServer, statusCache } from '../../serve/index.js';
import { InterruptedError, UserError } from '../../shared/errors.js';
import { ExitCode } from '../../shared/exit-codes.js';
import { log } from '../../shared/log.js';
import { shutdown } from '../../shared/shutdown.js';
import { clusterEntry, readRepoFile } from '../../values/repo.js';
import type { Command, Flags } from '../command.js';
import { readFleetStatus } from '../fleet-source.js';
import { enforcePin } from '../pin.js';
import { readClusterStatus } from '../status-source.js';
import { coreVersion } from './version.js';

export const command: Command = {
  summary: 'status pages (HTML and /api/v1 JSON) of a cluster or of the fleet, read-only',
  usage:
    'runlevel serve --cluster C [--listen 127.0.0.1:8080] [--auth-file F] [--refresh 30s]\n       runlevel serve --fleet [--listen …] [--auth-file F] [--refresh 30s] [--timeout 60s]',
  options: {
    fleet: { type: 'boolean', env: 'RUNLEVEL_SERVE_FLEET', help: 'one row per cluster of runlevel.yaml' },
    listen: {
      type: 'string',
      env: 'RUNLEVEL_SERVE_LISTEN',
      help: 'HOST:PORT to listen on (default 127.0.0.1:8080; port 0: any free port)',
    },
    'auth-file': {
      type: 'string',
      env: 'RUNLEVEL_SERVE_AUTH_FILE',
      help: 'file holding a bearer token every request must carry (Authorization: Bearer …)',
    },
    refresh: {
      type: 'string',
      env: 'RUNLEVEL_SERVE_REFRESH',
      help: 'how often the status is read again (default 30s)',
    },
    timeout: { type: 'string', help: '--fleet: how long one cluster may take to read (default 60s)' },
  },
  async run({ config, flags }) {
    const listen = parseListen(String(flags.listen ?? '127.0.0.1:8080'));
    const refreshMs = duration(flags, 'refresh') ?? 30_000;
    if (refreshMs < 1000) throw new UserError('--refresh must be at least 1s');
    const token = flags['auth-file'] ? readToken(String(flags['auth-file'])) : undefined;
    let read: () => Promise<Status>;
    let empty: (err: Error) => Status;
    if (flags.fleet) {
      const timeoutMs = duration(flags, 'timeout') ?? 60_000;
      await readRepoFile(config.valuesDir); // a broken runlevel.yaml stops here, not on the page
      read = () =>
        readFleetStatus(config, { probeMs: Math.min(5000, timeoutMs), timeoutMs, serving: coreVersion() });
      empty = () => ({ kind: 'fleet', refreshed: new Date().toISOString(), clusters: [] });
    } else {
      const cluster = clusterEntry(await readRepoFile(config.valuesDir), config.cluster).name;
      await enforcePin(config, 'status', ['serve', '--cluster', cluster]);
      read = () => readClusterStatus(config);
      empty = () => emptyClusterStatus(cluster);
    }
    const cache = statusCache({
      read,
      intervalMs: refreshMs,
      empty,
      onError: (err) => log.warn(`status not refreshed: ${err.message.split('\n')[0]}`),
    });
    log.start(`reading the ${flags.fleet ? 'fleet' : `status of ${config.cluster}`}`);
    await cache.start();
    const server = await startServer({
      source: cache.current,
      listen,
      ...(token ? { auth: { token } } : {}),
      refreshSeconds: Math.max(5, Math.round(refreshMs / 1000)),
      mask: (text) => log.mask(text),
    }).catch((err: NodeJS.ErrnoException) => {
      cache.stop();
      throw new UserError(`cannot listen on ${listen.host}:${listen.port}: ${err.code ?? err.message}`, {
        hint: 'pick another --listen HOST:PORT',
      });
    });
    log.done(
      `serving ${server.url} (read every ${refreshMs / 1000} s${token ? ', bearer token required' : ''})`,
    );
    log.writeData(server.url);
    await new Promise<void>((resolve) =>
      shutdown.signal.addEventListener('abort', () => resolve(), { once: true }),
    );
    cache.stop();
    await server.close();
    // Stopped by a signal, as every command is: its exit code (130/143) says which.
    return shutdown.signal.reason instanceof InterruptedError ? shutdown.signal.reason.exitCode : ExitCode.ok;
  },
};

export function emptyClusterStatus(cluster: string): ClusterStatus {
  return {
    kind: 'cluster',
    cluster,
    refreshed: new Date().toISOString(),
    core: { serving: coreVersion() },
    commit: {},
    agent: { running: false },
    inSync: false,
    counts: emptyCounts(),
    runlevels: [],
    orphans: [],
    deploys: [],
    images: [],
  };
}

export function parseListen(text: string): { host: string; port: number } {
  const m = /^(?:\[([0-9a-fA-F:.]+)\]|([^:[\]]*)):(\d{1,5})$/.exec(text.trim());
  const port = Number(m?.[3]);
  if (!m || port > 65535) {
    throw new UserError(`--listen ${text} is not HOST:PORT`, {
      hint: 'e.g. --listen 127.0.0.1:8080, --listen [::1]:8080, or --listen 0.0.0.0:8080 to be reached from other machines',
    });
  }
  return { host: m[1] ?? (m[2] || '127.0.0.1'), port };
}

export function readToken(file: string): string {
  let text: string;
  try {
    text = readFileSync(file, 'utf8');
  } catch (err) {
    throw new UserError(
      `cannot read --auth-file ${file}: ${(err as NodeJS.ErrnoException).code ?? 'unreadable'}`,
      {
        hint: 'give a file holding one token, e.g. `openssl rand -hex 32 > token; chmod 600 token`',
      },
    );
  }
  const token = text.trim();
  if (token.length < 16 || /\s/.test(token)) {
    throw new UserError(`--auth-file ${file} must hold one token of at least 16 characters, without spaces`, {
      hint: 'e.g. `openssl rand -hex 32 > token`',
    });
  }
  log.redact(token);
  return token;
}

function duration(flags: Flags, name: string): number | undefined {
  const raw = flags[name];
  if (raw === undefined) return undefined;
  const ms = parseDuration(String(raw));
  if (ms === undefined)
    throw new UserError(`--${name} ${String(raw)} is not a duration`, { hint: 'use 30s, 5m or 1h' });
  return ms;
}
