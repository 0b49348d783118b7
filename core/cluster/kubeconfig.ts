// The local cluster's kubeconfigs, self-contained: the CA and the client certificate and key are
// embedded (…-data), as `kubectl config view --flatten` gives them, so the file works wherever it
// is mounted alone (the image's `-v "$KUBECONFIG":/kube/config:ro`) or copied to another machine.
import { readFile, writeFile } from 'node:fs/promises';
import { stringifyYaml } from '../shared/yaml/plain.js';

/** A kubeconfig that points at the local API server with a client certificate (embedded). */
export async function writeKubeconfig(
  file: string,
  opts: { server: string; caCert: string; cert: string; key: string; name?: string },
): Promise<void> {
  const name = opts.name ?? 'runlevel-local';
  const b64 = async (f: string) => (await readFile(f)).toString('base64');
  const config = {
    apiVersion: 'v1',
    kind: 'Config',
    clusters: [
      { name, cluster: { server: opts.server, 'certificate-authority-data': await b64(opts.caCert) } },
    ],
    users: [
      {
        name,
        user: { 'client-certificate-data': await b64(opts.cert), 'client-key-data': await b64(opts.key) },
      },
    ],
    contexts: [{ name, context: { cluster: name, user: name } }],
    'current-context': name,
  };
  await writeFile(file, stringifyYaml(config), { mode: 0o600 });
}
