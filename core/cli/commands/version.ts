import { createReadStream, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { run } from '../../shared/exec.js';
import { log } from '../../shared/log.js';
import { installRoot } from '../../shared/paths.js';
import { findTool, pinnedVersion, type ToolName, ToolNames } from '../../shared/tools.js';
import type { Command } from '../command.js';

/** How each tool states its version (argv), all offline. Gatekeeper has no such flag: see below. */
const versionArgs: Record<Exclude<ToolName, 'gatekeeper'>, [Exclude<ToolName, 'helm-diff'>, string[]]> = {
  helm: ['helm', ['version', '--short']],
  'helm-engine': ['helm-engine', ['--version']],
  helmfile: ['helmfile', ['--version']],
  'helm-diff': ['helm', ['diff', 'version']],
  'kube-apiserver': ['kube-apiserver', ['--version']],
  'kube-controller-manager': ['kube-controller-manager', ['--version']],
  'kube-scheduler': ['kube-scheduler', ['--version']],
  kubectl: ['kubectl', ['version', '--client']],
  etcd: ['etcd', ['--version']],
  kwok: ['kwok', ['--version']],
  opa: ['opa', ['version']],
  kubeconform: ['kubeconform', ['-v']],
  sops: ['sops', ['--version', '--disable-version-check']],
  crane: ['crane', ['version']],
  cosign: ['cosign', ['version']],
  syft: ['syft', ['version']],
};

/**
 * What the image leaves out, and why: the local cluster's binaries (`runlevel cluster up` runs on
 * the host), and tools the core never runs (its diff needs no helm plugin; it talks to the API
 * server itself), which would add ~35 MB compressed.
 */
const notInImage: Partial<Record<ToolName, string>> = {
  'kube-apiserver': 'host only: the local cluster runs outside the image',
  'kube-controller-manager': 'host only: the local cluster runs outside the image',
  'kube-scheduler': 'host only: the local cluster runs outside the image',
  etcd: 'host only: the local cluster runs outside the image',
  kwok: 'host only: the local cluster runs outside the image',
  gatekeeper: 'host only: the local cluster runs outside the image',
  kubectl: 'not in the image: the core does not run it',
  helm: 'not in the image: the helm engine (helm at the same pin) renders, releases and answers helmfile',
  'helm-diff': 'not in the image: the core does not run it',
  cosign:
    'host only: signs (make image, bundle create) and verifies on the host (the kit carries it); the image verifies with node crypto',
  syft: 'host only: make image writes the SBOM',
};
const inImage = process.env.RUNLEVEL_IN_IMAGE === 'true';

export interface ToolVersion {
  tool: ToolName;
  pinned: string;
  found: string | undefined; // undefined: not installed
  path: string | undefined;
  matches: boolean;
}

export function coreVersion(): string {
  return JSON.parse(readFileSync(join(installRoot, 'package.json'), 'utf8')).version;
}

export async function toolVersions(): Promise<ToolVersion[]> {
  return Promise.all(
    ToolNames.map(async (tool): Promise<ToolVersion> => {
      const pinned = pinnedVersion(tool);
      const path = findTool(tool === 'gatekeeper' ? 'gatekeeper' : versionArgs[tool][0]);
      if (!path) return { tool, pinned, found: undefined, path, matches: false };
      const found =
        tool === 'gatekeeper'
          ? await goModuleVersion(path, 'github.com/open-policy-agent/gatekeeper/v3')
          : await askVersion(tool);
      const norm = (v: string | undefined) => v?.replace(/^v/, '');
      return { tool, pinned, found, path, matches: norm(found) === norm(pinned) };
    }),
  );
}

async function askVersion(tool: Exclude<ToolName, 'gatekeeper'>): Promise<string | undefined> {
  const [bin, args] = versionArgs[tool];
  const r = await run(bin, args, { reject: false, timeoutMs: 20_000 });
  return /v?\d+\.\d+\.\d+/.exec(`${r.stdout}${r.stderr}`)?.[0];
}

/**
 * The version of a Go module built into a binary, from the build information Go embeds
 * ("dep <module> <version>"): for tools that print no version of their own.
 */
async function goModuleVersion(binary: string, module: string): Promise<string | undefined> {
  const needle = Buffer.from(`${module}\t`);
  let tail = Buffer.alloc(0);
  for await (const chunk of createReadStream(binary, { highWaterMark: 4 << 20 })) {
    const data = Buffer.concat([tail, chunk as Buffer]);
    const at = data.indexOf(needle);
    if (at >= 0)
      return /^v[\w.+-]+/.exec(
        data.subarray(at + needle.length, at + needle.length + 64).toString('latin1'),
      )?.[0];
    tail = data.subarray(Math.max(0, data.length - needle.length));
  }
  return undefined;
}

export const command: Command = {
  summary: 'core version and the pinned tools found',
  usage: 'runlevel version [-o json]',
  async run({ config }) {
    const tools = await toolVersions();
    const core = coreVersion();
    if (config.output === 'json') {
      log.writeData(JSON.stringify({ core, tools }, null, 2));
      return;
    }
    const rows = tools.map((t) => {
      const state = !t.found
        ? ((inImage && notInImage[t.tool]) ?? 'not installed (make tools)')
        : t.matches
          ? 'pinned ✔'
          : `differs from pin ${t.pinned}`;
      return `  ${t.tool.padEnd(24)} ${(t.found ?? '-').padEnd(10)} ${state}`.trimEnd();
    });
    log.writeData([`runlevel ${core}`, ...rows].join('\n'));
    return;
  },
};
