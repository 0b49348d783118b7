// An API server address that accepts connections and never says a word (a hung or black-holed
// cluster), with a kubeconfig that points at it: for tests of bounded reachability.
import { writeFile } from 'node:fs/promises';
import { createServer, type Socket } from 'node:net';

export interface SilentServer {
  port: number;
  /** Writes a kubeconfig for it at `path`. */
  kubeconfig(path: string): Promise<string>;
  close(): Promise<void>;
}

export async function silentServer(): Promise<SilentServer> {
  const sockets: Socket[] = [];
  const server = createServer((s) => sockets.push(s));
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  const port = (server.address() as { port: number }).port;
  return {
    port,
    async kubeconfig(path) {
      await writeFile(
        path,
        `apiVersion: v1\nkind: Config\nclusters: [{name: dead, cluster: {server: "https://127.0.0.1:${port}", insecure-skip-tls-verify: true}}]\nusers: [{name: dead, user: {token: not-a-secret}}]\ncontexts: [{name: dead, context: {cluster: dead, user: dead}}]\ncurrent-context: dead\n`,
      );
      return path;
    },
    async close() {
      for (const s of sockets) s.destroy();
      await new Promise<void>((r) => server.close(() => r()));
    },
  };
}
