// Two clusters of runlevel.yaml that reach the same API server would overwrite each other's
// platform, one deploy after the other, and a gate would judge the one by the other: found before
// any deploy, pure, from what each cluster's kubeconfig reached.

/** The API server a cluster's kubeconfig reaches; only read when it answered. */
export interface ServerIdentity {
  cluster: string;
  /** The kubeconfig and context the cluster is reached with, as the user would name them. */
  kubeconfig: string;
  context: string;
  /** The server URL, normalized (scheme, lower-case host, port, path). */
  server: string;
  /** A digest of the CA the server is trusted with; undefined when none is named. */
  ca?: string;
  /** metadata.uid of the kube-system namespace: one per cluster, whatever URL reaches it. */
  uid?: string;
}

export interface SharedServer {
  first: ServerIdentity;
  second: ServerIdentity;
  /** How it is known: the same kube-system UID, or (a UID unreadable) the same URL and CA. */
  by: 'uid' | 'server';
}

/**
 * Every pair of clusters that reaches one API server, in the order given. The kube-system UID
 * decides when both were read (two URLs of one server match, one URL whose server was recreated
 * does not); otherwise the same URL trusted with the same CA.
 */
export function sharedServers(ids: readonly ServerIdentity[]): SharedServer[] {
  const shared: SharedServer[] = [];
  for (const [i, first] of ids.entries()) {
    for (const second of ids.slice(i + 1)) {
      if (first.cluster === second.cluster) continue;
      if (first.uid !== undefined && second.uid !== undefined) {
        if (first.uid === second.uid) shared.push({ first, second, by: 'uid' });
      } else if (first.server === second.server && first.ca === second.ca) {
        shared.push({ first, second, by: 'server' });
      }
    }
  }
  return shared;
}

/** What the rollout says about one pair: both clusters, where each is reached from, and how it knows. */
export function sharedServerMessage(s: SharedServer): string {
  const at = (id: ServerIdentity) => `${id.cluster} (context "${id.context}" in ${id.kubeconfig})`;
  const how =
    s.by === 'uid'
      ? `the same kube-system namespace UID ${s.first.uid}`
      : `the same server ${s.first.server}${s.first.ca ? ' and CA' : ''}`;
  return `${at(s.first)} and ${at(s.second)} reach the same API server (${how}): a deploy of one would overwrite the other's platform`;
}

/** A normalized server URL: `https://LOCALHOST:443/` and `https://localhost` are one. */
export function normalizeServer(server: string): string {
  try {
    const u = new URL(server);
    const path = u.pathname.replace(/\/+$/, '');
    return `${u.protocol}//${u.host}${path}`;
  } catch {
    return server.trim();
  }
}
