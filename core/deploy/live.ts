// The live objects a release should hold, read the cheap way: per kind one LIST across the
// cluster (or the one namespace they share), narrowed by a label the manifests set, and a GET
// only for objects the list did not return (a label changed by hand, or the object is gone).
// Raw JSON, not the client's typed models: those rename fields (CRD schemas' x-kubernetes-*)
// and drop the ones they do not know, and the comparison must see what the server holds.
import type { KubeConfig } from '@kubernetes/client-node';
import type { LiveObject, LiveQuery, LiveRead } from '../drift/types.js';
import { ToolError } from '../shared/errors.js';
import { ExitCode } from '../shared/exit-codes.js';
import { isNotFound, shortError, statusCode, withRetry } from '../shared/kube.js';
import { type KubeGet, kubeGet } from '../shared/kube-get.js';
import { log } from '../shared/log.js';
import { mapLimit } from '../shared/pool.js';

interface ApiResource {
  name: string;
  kind: string;
  namespaced: boolean;
}

type Get = KubeGet;

const concurrency = 8;
const pageSize = 500;

export function liveReader(kc: KubeConfig): (queries: readonly LiveQuery[]) => Promise<LiveRead[]> {
  let calls = 0;
  const raw = kubeGet(kc);
  const get: Get = (path) => {
    calls++;
    return raw(path);
  };
  const discovery = new Map<string, Promise<ApiResource[] | undefined>>();
  const resourcesOf = (apiVersion: string) => {
    let known = discovery.get(apiVersion);
    if (!known) {
      known = discover(get, apiVersion);
      discovery.set(apiVersion, known);
    }
    return known;
  };
  return async (queries) => {
    const byKind = new Map<string, number[]>();
    queries.forEach((q, i) => {
      const k = `${q.apiVersion} ${q.kind}`;
      const same = byKind.get(k);
      if (same) same.push(i);
      else byKind.set(k, [i]);
    });
    const out: LiveRead[] = queries.map((q) => ({ namespace: q.namespace }));
    const before = calls;
    await mapLimit([...byKind.values()], concurrency, async (indexes) => {
      const first = queries[indexes[0] as number] as LiveQuery;
      const resource = (await resourcesOf(first.apiVersion))?.find(
        (r) => r.kind === first.kind && !r.name.includes('/'),
      );
      if (!resource) return; // the API does not serve the kind (its CRD is gone): all missing
      const group = indexes.map((i) => ({ i, q: queries[i] as LiveQuery }));
      const found = await readKind(
        get,
        resource,
        group.map((g) => g.q),
      );
      group.forEach(({ i }, n) => {
        out[i] = {
          object: found[n],
          ...(resource.namespaced ? { namespace: (queries[i] as LiveQuery).namespace } : {}),
        };
      });
    });
    log.debug(
      () => `${queries.length} live objects of ${byKind.size} kinds read with ${calls - before} API calls`,
    );
    return out;
  };
}

async function readKind(
  get: Get,
  resource: ApiResource,
  queries: LiveQuery[],
): Promise<(LiveObject | undefined)[]> {
  const base = apiBase(queries[0]?.apiVersion ?? 'v1');
  const path = (namespace: string | undefined) =>
    `${base}${resource.namespaced && namespace ? `/namespaces/${encodeURIComponent(namespace)}` : ''}/${resource.name}`;
  const selector = commonLabel(queries);
  const namespaces = new Set(queries.map((q) => q.namespace));
  const listed = new Map<string, LiveObject>();
  if (selector && queries.length > 1) {
    const where = resource.namespaced && namespaces.size === 1 ? [...namespaces][0] : undefined;
    // A user allowed to read these objects but not to list them across namespaces gets them one by one.
    const items = await listAll(get, `${path(where)}?labelSelector=${encodeURIComponent(selector)}`).catch(
      (err: unknown) => {
        if (statusCode(err) === 403) return [];
        throw readFailed(resource.name, err);
      },
    );
    for (const item of items) {
      const meta = (item.metadata ?? {}) as { name?: string; namespace?: string };
      listed.set(`${meta.namespace ?? ''}/${meta.name ?? ''}`, item);
    }
  }
  const keyOf = (q: LiveQuery) => `${resource.namespaced ? q.namespace : ''}/${q.name}`;
  return mapLimit(queries, concurrency, async (q) => {
    const hit = listed.get(keyOf(q));
    if (hit) return hit;
    try {
      return (await withRetry(`read ${q.kind} ${q.name}`, () =>
        get(`${path(resource.namespaced ? q.namespace : undefined)}/${encodeURIComponent(q.name)}`),
      )) as LiveObject;
    } catch (err) {
      if (isNotFound(err)) return undefined;
      throw readFailed(q.kind, err);
    }
  });
}

/** The label most of these objects carry (managed-by, part-of): one LIST by it finds them all. */
function commonLabel(queries: LiveQuery[]): string | undefined {
  const counts = new Map<string, number>();
  for (const q of queries)
    for (const [k, v] of Object.entries(q.labels))
      counts.set(`${k}=${v}`, (counts.get(`${k}=${v}`) ?? 0) + 1);
  let best: [string, number] | undefined;
  for (const entry of counts) if (!best || entry[1] > best[1]) best = entry;
  return best && best[1] > 1 ? best[0] : undefined;
}

async function listAll(get: Get, path: string): Promise<LiveObject[]> {
  const items: LiveObject[] = [];
  let next = '';
  do {
    const page = `${path}&limit=${pageSize}${next ? `&continue=${encodeURIComponent(next)}` : ''}`;
    const list = (await withRetry('list live objects', () => get(page))) as {
      items?: LiveObject[];
      metadata?: { continue?: string };
    };
    items.push(...(list.items ?? []));
    next = list.metadata?.continue ?? '';
  } while (next);
  return items;
}

async function discover(get: Get, apiVersion: string): Promise<ApiResource[] | undefined> {
  try {
    const list = (await withRetry(`discover ${apiVersion}`, () => get(apiBase(apiVersion)))) as {
      resources?: ApiResource[];
    };
    return list.resources ?? [];
  } catch (err) {
    if (isNotFound(err)) return undefined;
    throw readFailed(apiVersion, err);
  }
}

const apiBase = (apiVersion: string) =>
  apiVersion.includes('/') ? `/apis/${apiVersion}` : `/api/${apiVersion}`;

function readFailed(what: string, err: unknown): Error {
  if (err instanceof ToolError) return err; // unreachable after retries: already says so
  return new ToolError(`reading the live objects (${what}) failed: ${shortError(err)}`, {
    exitCode: ExitCode.deployFailed,
    hint: 'drift is found by reading every object a release manifests: the kubeconfig user needs get and list on them',
  });
}
