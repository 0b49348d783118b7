// Where the pinned tools are and which versions they are. The pins file is the one source:
// `make tools`, the Dockerfile and `runlevel version` all read tools/pins.env.
import { existsSync, readFileSync } from 'node:fs';
import { delimiter, join } from 'node:path';
import { installRoot } from './paths.js';

export const ToolNames = [
  'helm',
  'helm-engine',
  'helmfile',
  'helm-diff',
  'kube-apiserver',
  'kube-controller-manager',
  'kube-scheduler',
  'kubectl',
  'etcd',
  'kwok',
  'opa',
  'kubeconform',
  'sops',
  'gatekeeper',
  'crane',
  'cosign',
  'syft',
] as const;
export type ToolName = (typeof ToolNames)[number];

/** Which pin in tools/pins.env sets each tool's version. */
const pinKey: Record<ToolName, string> = {
  helm: 'HELM',
  'helm-engine': 'HELM',
  helmfile: 'HELMFILE',
  'helm-diff': 'HELM_DIFF',
  'kube-apiserver': 'KUBERNETES',
  'kube-controller-manager': 'KUBERNETES',
  'kube-scheduler': 'KUBERNETES',
  kubectl: 'KUBERNETES',
  etcd: 'ETCD',
  kwok: 'KWOK',
  opa: 'OPA',
  kubeconform: 'KUBECONFORM',
  sops: 'SOPS',
  gatekeeper: 'GATEKEEPER',
  crane: 'CRANE',
  cosign: 'COSIGN',
  syft: 'SYFT',
};

let pinsCache: Record<string, string> | undefined;

export function readPins(file = join(installRoot, 'tools/pins.env')): Record<string, string> {
  if (pinsCache) return pinsCache;
  const pins: Record<string, string> = {};
  for (const line of readFileSync(file, 'utf8').split('\n')) {
    const m = /^([A-Z_]+)=(\S+)/.exec(line);
    if (m?.[1] && m[2]) pins[m[1]] = m[2];
  }
  pinsCache = pins;
  return pins;
}

export function pinnedVersion(tool: ToolName): string {
  return readPins()[pinKey[tool]] ?? 'unpinned';
}

/** Directory holding the linked tool binaries (`make tools`), else RUNLEVEL_TOOLS_DIR. */
export function toolsBinDir(): string {
  return process.env.RUNLEVEL_TOOLS_DIR ?? join(installRoot, '.tools/bin');
}

export function helmPluginsDir(): string {
  return process.env.RUNLEVEL_HELM_PLUGINS ?? join(installRoot, '.tools/helm-plugins');
}

/** Absolute path of a tool: our pinned build first, then PATH. Undefined when not found. */
export function findTool(tool: Exclude<ToolName, 'helm-diff'>): string | undefined {
  const dirs = [toolsBinDir(), ...(process.env.PATH ?? '').split(delimiter)];
  for (const dir of dirs) {
    const candidate = join(dir, tool);
    if (dir && existsSync(candidate)) return candidate;
  }
  return undefined;
}

/** Environment for every tool we spawn: our tools first on PATH, helm kept away from ~/.config. */
export function toolEnv(stateHome = join(installRoot, '.tools/helm-home')): Record<string, string> {
  return {
    PATH: `${toolsBinDir()}${delimiter}${process.env.PATH ?? ''}`,
    HELM_PLUGINS: helmPluginsDir(),
    HELM_CACHE_HOME: join(stateHome, 'cache'),
    HELM_CONFIG_HOME: join(stateHome, 'config'),
    HELM_DATA_HOME: join(stateHome, 'data'),
  };
}
