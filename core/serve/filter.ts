// Search and filter by plain query parameters (?release=&namespace=&state=), the same for the page
// and the JSON, so a filtered page and its JSON link show the same releases.
import { type ClusterStatus, type FleetStatus, type State, States } from './types.js';

export interface Filter {
  /** Part of a release name (case-insensitive). */
  release?: string;
  namespace?: string;
  state?: State;
}

/** The filter a query names; an unknown state is left out and reported, never an error page. */
export function parseFilter(query: URLSearchParams): { filter: Filter; problems: string[] } {
  const filter: Filter = {};
  const problems: string[] = [];
  const release = query.get('release')?.trim();
  const namespace = query.get('namespace')?.trim();
  const state = query.get('state')?.trim();
  if (release) filter.release = release.slice(0, 253);
  if (namespace) filter.namespace = namespace.slice(0, 63);
  if (state) {
    if ((States as readonly string[]).includes(state)) filter.state = state as State;
    else problems.push(`unknown state "${state.slice(0, 40)}": one of ${States.join(', ')}`);
  }
  return { filter, problems };
}

export function isFiltered(f: Filter): boolean {
  return f.release !== undefined || f.namespace !== undefined || f.state !== undefined;
}

/** The status with only the releases (and deploys, images) the filter keeps; counts stay whole. */
export function applyFilter(s: ClusterStatus, f: Filter): ClusterStatus {
  if (!isFiltered(f)) return s;
  const needle = f.release?.toLowerCase();
  const keep = (r: { release: string; namespace: string; state?: State }) =>
    (needle === undefined || r.release.toLowerCase().includes(needle)) &&
    (f.namespace === undefined || r.namespace === f.namespace) &&
    (f.state === undefined || r.state === f.state);
  const runlevels = s.runlevels
    .map((rl) => ({ ...rl, releases: rl.releases.filter(keep) }))
    .filter((rl) => rl.releases.length > 0);
  const kept = new Set(runlevels.flatMap((rl) => rl.releases.map((r) => `${r.namespace}/${r.release}`)));
  return {
    ...s,
    runlevels,
    orphans: f.state === undefined ? s.orphans.filter(keep) : [],
    images: s.images.filter((i) => i.core || i.releases.some((r) => kept.has(r))),
  };
}

/** Fleet rows by cluster name (?cluster=) and health (?health=). */
export function applyFleetFilter(s: FleetStatus, query: URLSearchParams): FleetStatus {
  const name = query.get('cluster')?.trim().toLowerCase();
  const health = query.get('health')?.trim();
  if (!name && !health) return s;
  return {
    ...s,
    clusters: s.clusters.filter(
      (c) => (!name || c.cluster.toLowerCase().includes(name)) && (!health || c.health === health),
    ),
  };
}
