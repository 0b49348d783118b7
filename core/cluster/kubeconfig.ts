import { writeFile } from 'node:fs/promises';
import { stringifyYaml } from '../shared/yaml/plain.js';

/** A kubeconfig that points at the local API server with a client certificate (files by path). */
export async function writeKubeconfig(
  file: string,
  opts: { server: string; caCert: string; cert: string; key: string; name?: string },
): Promise<void> {
  const name = opts.name ?? 'runlevel-local';
  const config = {
    apiVersion: 'v1',
    kind: 'Config',
    clusters: [{ name, cluster: { server: opts.server, 'certificate-authority': opts.caCert } }],
    users: [{ name, user: { 'client-certificate': opts.cert, 'client-key': opts.key } }],
    contexts: [{ name, context: { cluster: name, user: name } }],
    'current-context': name,
  };
  await writeFile(file, stringifyYaml(config), { mode: 0o600 });
}
