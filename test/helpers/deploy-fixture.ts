// A small platform for the deploy engine's unit tests: releases by runlevel, and a runDeploy wired
// to the recording fakes with the settings a test does not care about filled in.
import { type DeployOptions, type DeployRelease, runDeploy } from '../../core/deploy/index.js';
import type { Progress } from '../../core/deploy/progress.js';
import { FakeCluster } from './fake-cluster.js';
import { FakeHelm } from './fake-helm.js';

/** `10-base/a` → release a in runlevel 10-base, namespace ns-a, one Deployment; `v` changes its input. */
export function release(path: string, v = 1): DeployRelease {
  const [runlevel = '', name = ''] = path.split('/');
  const namespace = `ns-${name}`;
  return {
    runlevel,
    name,
    namespace,
    chart: { name: 'app', version: '1.0.0', path: 'charts/app' },
    labels: { runlevel, name },
    inputDigest: `${name}@${v}`,
    objects: [{ kind: 'Deployment', apiVersion: 'apps/v1', name, namespace }],
    values: { v },
  };
}

export const silent: Progress = {
  runlevelStart() {},
  runlevelDone() {},
  releaseStart() {},
  release() {},
  waiting() {},
  task() {},
  prune() {},
};

/** One journal for helm and the cluster, so a test can read the order of everything. */
export function fakes(): { helm: FakeHelm; cluster: FakeCluster; journal: string[] } {
  const journal: string[] = [];
  return { helm: new FakeHelm(journal), cluster: new FakeCluster(journal), journal };
}

const standardRunlevels = ['10-base', '20-mid', '30-top'];
// Record ids are the start time and the pid: runs in one test process get distinct start times.
let clock = Date.parse('2026-01-01T00:00:00Z');

export function deploy(
  f: { helm: FakeHelm; cluster: FakeCluster },
  releases: DeployRelease[],
  opts: Partial<DeployOptions> = {},
) {
  clock += 1000;
  const runlevels = [...new Set([...standardRunlevels, ...releases.map((r) => r.runlevel)])]
    .sort()
    .map((name) => ({ name, settings: {} }));
  return runDeploy({
    store: f.cluster,
    helm: f.helm,
    cluster: 'test',
    runlevels,
    releases,
    coreVersion: '0.0.0-test',
    valuesCommit: 'abc',
    concurrency: 1,
    progress: silent,
    started: new Date(clock),
    ...opts,
  });
}
