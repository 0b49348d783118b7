// The embedded local control plane: etcd, kube-apiserver, kube-controller-manager,
// kube-scheduler and kwok (one fake node) on 127.0.0.1 with TLS, state in one directory.
import { existsSync } from 'node:fs';
import { mkdir, readFile, rm, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { ToolError } from '../shared/errors.js';
import { loadKubeConfig } from '../shared/kube.js'; // gatekeeper hook
import { log } from '../shared/log.js';
import { findTool, type ToolName } from '../shared/tools.js';
import { installGatekeeper } from './gatekeeper.js'; // gatekeeper hook
import { coreApi, ensureFakeNode, nodeReady, readyz, waitFor } from './health.js';
import { writeKubeconfig } from './kubeconfig.js';
import { kwokStages } from './kwok-stages.js';
import { ensurePki, type Pki } from './pki.js';
import { freePort, portIsFree } from './ports.js';
import { type DaemonRecord, isOurs, logTail, startDaemon, stopDaemon } from './processes.js';

interface Ports {
  etcdClient: number;
  etcdPeer: number;
  apiserver: number;
  kwok: number;
}

interface ClusterState {
  ports: Ports;
  daemons: DaemonRecord[];
  kubeconfig: string;
  startedAt: string;
}

export interface ClusterInfo {
  kubeconfig: string;
  server: string;
  stateDir: string;
  alreadyRunning: boolean;
}

const stateFile = (stateDir: string) => join(stateDir, 'cluster.json');
const kubeconfigPath = (stateDir: string) => join(stateDir, 'kubeconfig');

async function readState(stateDir: string): Promise<ClusterState | undefined> {
  try {
    return JSON.parse(await readFile(stateFile(stateDir), 'utf8')) as ClusterState;
  } catch {
    return undefined;
  }
}

function binary(tool: Exclude<ToolName, 'helm-diff'>): string {
  const bin = findTool(tool);
  if (!bin) throw new ToolError(`${tool} is not installed`, { hint: 'run `make tools`' });
  return bin;
}

/** Reuse last run's ports when still free, so etcd's stored member URLs stay valid. */
async function choosePorts(previous: Ports | undefined): Promise<Ports> {
  if (previous) {
    const free = await Promise.all(Object.values(previous).map((p) => portIsFree(p)));
    if (free.every(Boolean)) return previous;
  }
  return {
    etcdClient: await freePort(),
    etcdPeer: await freePort(),
    apiserver: await freePort(),
    kwok: await freePort(),
  };
}

export async function clusterUp(opts: { stateDir: string; timeoutMs?: number }): Promise<ClusterInfo> {
  const { stateDir } = opts;
  const timeoutMs = opts.timeoutMs ?? 120_000;
  const previous = await readState(stateDir);
  if (previous) {
    const server = `https://127.0.0.1:${previous.ports.apiserver}`;
    const alive = previous.daemons.every(isOurs);
    if (alive) {
      log.done(`local cluster already running (${server})`);
      return { kubeconfig: previous.kubeconfig, server, stateDir, alreadyRunning: true };
    }
    log.warn('stale local cluster state from an earlier run: stopping what is left of it');
    await stopAll(previous.daemons);
  }

  const dirs = {
    pki: join(stateDir, 'pki'),
    logs: join(stateDir, 'logs'),
    etcd: join(stateDir, 'etcd'),
    kc: join(stateDir, 'kubeconfigs'),
  };
  for (const d of Object.values(dirs)) await mkdir(d, { recursive: true, mode: 0o700 });
  const bins = {
    etcd: binary('etcd'),
    apiserver: binary('kube-apiserver'),
    kcm: binary('kube-controller-manager'),
    scheduler: binary('kube-scheduler'),
    kwok: binary('kwok'),
  };
  log.start('generating certificates');
  const pki = await ensurePki(dirs.pki);
  const ports = await choosePorts(previous?.ports);
  const server = `https://127.0.0.1:${ports.apiserver}`;
  const kubeconfig = kubeconfigPath(stateDir);
  await writeKubeconfig(kubeconfig, { server, caCert: pki.caCert, ...pki.client('admin') });
  const componentConfig = async (name: 'kube-controller-manager' | 'kube-scheduler' | 'kwok') => {
    const file = join(dirs.kc, `${name}.kubeconfig`);
    await writeKubeconfig(file, { server, caCert: pki.caCert, ...pki.client(name) });
    return file;
  };

  const daemons: DaemonRecord[] = [];
  const state: ClusterState = { ports, daemons, kubeconfig, startedAt: new Date().toISOString() };
  const saveState = () => writeFile(stateFile(stateDir), JSON.stringify(state, null, 2), { mode: 0o600 });
  const start = async (name: string, bin: string, args: string[], env?: Record<string, string>) => {
    daemons.push(startDaemon(name, bin, args, join(dirs.logs, `${name}.log`), env));
    await saveState(); // recorded at once: a crash from here on leaves PIDs `down` can stop
  };

  try {
    log.start(`starting etcd on 127.0.0.1:${ports.etcdClient}`);
    await start('etcd', bins.etcd, etcdArgs(dirs.etcd, ports));
    log.start(`starting kube-apiserver on ${server}`);
    await start('kube-apiserver', bins.apiserver, apiserverArgs(pki, ports, stateDir));
    log.waiting('waiting for /readyz');
    const tls = { caCert: pki.caCert, ...pki.client('admin') };
    await waitFor(
      async () => {
        assertAlive(daemons);
        return readyz(server, tls);
      },
      timeoutMs,
      () => new ToolError(`kube-apiserver did not become ready in ${timeoutMs / 1000}s`),
    );
    // --- gatekeeper hook (core/cluster/gatekeeper.ts): its CRDs, Pod and webhook, applied while
    // the other daemons start; then the daemon, which waits for runlevel 00's ConstraintTemplate CRD.
    const gatekeeper = installGatekeeper({
      kc: loadKubeConfig(kubeconfig),
      pki,
      server,
      kubeconfigDir: dirs.kc,
      kubectl: binary('kubectl'),
    });
    gatekeeper.catch(() => {}); // awaited below; a failed node wait must not leave it unhandled
    // --- end gatekeeper hook
    log.start('starting kube-controller-manager, kube-scheduler and kwok');
    await start(
      'kube-controller-manager',
      bins.kcm,
      controllerManagerArgs(pki, await componentConfig('kube-controller-manager')),
    );
    await start('kube-scheduler', bins.scheduler, schedulerArgs(await componentConfig('kube-scheduler')));
    const stagesFile = join(stateDir, 'kwok-stages.yaml');
    await writeFile(stagesFile, kwokStages);
    await start('kwok', bins.kwok, kwokArgs(await componentConfig('kwok'), ports, stagesFile));
    const api = coreApi(kubeconfig);
    await ensureFakeNode(api);
    log.waiting('waiting for the fake node to be Ready');
    await waitFor(
      async () => {
        assertAlive(daemons);
        return nodeReady(api);
      },
      timeoutMs,
      () => new ToolError(`node did not become Ready in ${timeoutMs / 1000}s (see ${dirs.logs}/kwok.log)`),
    );
    // --- gatekeeper hook
    log.start('starting gatekeeper (admission webhook; it waits for runlevel 00)');
    const launch = await gatekeeper;
    await start('gatekeeper', launch.bin, launch.args, launch.env);
    // --- end gatekeeper hook
  } catch (err) {
    await stopAll(daemons); // never leave half a cluster running
    throw err;
  }
  log.done(`local cluster ready: ${server}`);
  return { kubeconfig, server, stateDir, alreadyRunning: false };
}

/** A daemon that died while we wait is reported with its own last words. */
function assertAlive(daemons: DaemonRecord[]): void {
  const dead = daemons.find((d) => !isOurs(d));
  if (dead) {
    throw new ToolError(`${dead.name} exited during start-up`, {
      problems: [{ message: logTail(dead.logFile) || '(no output)' }],
      hint: `full log: ${dead.logFile}`,
    });
  }
}

async function stopAll(daemons: DaemonRecord[]): Promise<DaemonRecord[]> {
  // Reverse start order: kwok and controllers first, etcd last.
  const stopped: DaemonRecord[] = [];
  for (const d of [...daemons].reverse()) {
    if ((await stopDaemon(d)) === 'stopped') stopped.push(d);
  }
  return stopped;
}

export async function clusterDown(opts: {
  stateDir: string;
  purge?: boolean;
}): Promise<{ stopped: string[] }> {
  const state = await readState(opts.stateDir);
  const stopped = state ? await stopAll(state.daemons) : [];
  if (state) await rm(stateFile(opts.stateDir), { force: true });
  if (opts.purge && existsSync(opts.stateDir)) await rm(opts.stateDir, { recursive: true, force: true });
  return { stopped: stopped.map((d) => `${d.name} (pid ${d.pid})`) };
}

export interface ClusterStatus {
  running: boolean;
  server: string | undefined;
  kubeconfig: string | undefined;
  ready: boolean;
  nodeReady: boolean;
  daemons: { name: string; pid: number; alive: boolean; log: string }[];
}

export async function clusterStatus(opts: { stateDir: string }): Promise<ClusterStatus> {
  const state = await readState(opts.stateDir);
  if (!state)
    return {
      running: false,
      server: undefined,
      kubeconfig: undefined,
      ready: false,
      nodeReady: false,
      daemons: [],
    };
  const server = `https://127.0.0.1:${state.ports.apiserver}`;
  const daemons = state.daemons.map((d) => ({ name: d.name, pid: d.pid, alive: isOurs(d), log: d.logFile }));
  const pki = join(opts.stateDir, 'pki');
  const tls = { caCert: join(pki, 'ca.crt'), cert: join(pki, 'admin.crt'), key: join(pki, 'admin.key') };
  const ready = daemons.some((d) => d.alive) && (await readyz(server, tls));
  return {
    running: daemons.every((d) => d.alive),
    server,
    kubeconfig: state.kubeconfig,
    ready,
    nodeReady: ready && (await nodeReady(coreApi(state.kubeconfig))),
    daemons,
  };
}

function etcdArgs(dataDir: string, p: Ports): string[] {
  const client = `http://127.0.0.1:${p.etcdClient}`;
  const peer = `http://127.0.0.1:${p.etcdPeer}`;
  return [
    '--name=runlevel',
    `--data-dir=${dataDir}`,
    `--listen-client-urls=${client}`,
    `--advertise-client-urls=${client}`,
    `--listen-peer-urls=${peer}`,
    `--initial-advertise-peer-urls=${peer}`,
    `--initial-cluster=runlevel=${peer}`,
    '--log-level=warn',
    '--quota-backend-bytes=4294967296',
    // A throwaway local cluster: skipping fsync makes every write (and so every test) much faster.
    '--unsafe-no-fsync',
  ];
}

function apiserverArgs(pki: Pki, p: Ports, stateDir: string): string[] {
  return [
    `--etcd-servers=http://127.0.0.1:${p.etcdClient}`,
    '--bind-address=127.0.0.1',
    '--advertise-address=127.0.0.1',
    `--secure-port=${p.apiserver}`,
    `--cert-dir=${join(stateDir, 'pki')}`,
    `--tls-cert-file=${pki.apiserverCert}`,
    `--tls-private-key-file=${pki.apiserverKey}`,
    `--client-ca-file=${pki.caCert}`,
    '--service-account-issuer=https://kubernetes.default.svc.cluster.local',
    `--service-account-key-file=${pki.serviceAccountPub}`,
    `--service-account-signing-key-file=${pki.serviceAccountKey}`,
    '--service-cluster-ip-range=10.96.0.0/16',
    '--authorization-mode=Node,RBAC',
    '--allow-privileged=true',
    // The API server refuses a loopback address in the kubernetes Service endpoints; nothing
    // in a kwok cluster dials it from a Pod, so leave the endpoints unmanaged.
    '--endpoint-reconciler-type=none',
    '--enable-priority-and-fairness=false', // one user, two cores: spare the CPU
    '--profiling=false',
    '--v=1',
  ];
}

function controllerManagerArgs(pki: Pki, kubeconfig: string): string[] {
  return [
    `--kubeconfig=${kubeconfig}`,
    `--authentication-kubeconfig=${kubeconfig}`,
    `--authorization-kubeconfig=${kubeconfig}`,
    '--bind-address=127.0.0.1',
    '--secure-port=0',
    '--leader-elect=false',
    `--service-account-private-key-file=${pki.serviceAccountKey}`,
    `--root-ca-file=${pki.caCert}`,
    `--cluster-signing-cert-file=${pki.caCert}`,
    `--cluster-signing-key-file=${pki.caKey}`,
    '--use-service-account-credentials=true',
    // One user on loopback: the client-side rate limits meant for a shared API server (20 qps)
    // would make a deploy of 150 Deployments wait ~30 s for ReplicaSets and Pods to appear.
    '--kube-api-qps=1000',
    '--kube-api-burst=2000',
    '--concurrent-deployment-syncs=20',
    '--concurrent-replicaset-syncs=20',
    '--profiling=false',
    '--v=1',
  ];
}

function schedulerArgs(kubeconfig: string): string[] {
  return [
    `--kubeconfig=${kubeconfig}`,
    `--authentication-kubeconfig=${kubeconfig}`,
    `--authorization-kubeconfig=${kubeconfig}`,
    '--bind-address=127.0.0.1',
    '--secure-port=0',
    '--leader-elect=false',
    '--kube-api-qps=1000', // as for the controller manager (kwok itself runs unthrottled)
    '--kube-api-burst=2000',
    '--profiling=false',
    '--v=1',
  ];
}

function kwokArgs(kubeconfig: string, p: Ports, stagesFile: string): string[] {
  return [
    `--kubeconfig=${kubeconfig}`,
    `--config=${stagesFile}`,
    '--manage-all-nodes=false',
    '--manage-nodes-with-annotation-selector=kwok.x-k8s.io/node=fake',
    '--cidr=10.244.0.1/16',
    '--node-ip=10.0.0.1',
    `--server-address=127.0.0.1:${p.kwok}`,
    '--node-lease-duration-seconds=40',
  ];
}
