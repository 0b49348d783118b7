// Image references as the container runtime reads them (docker.io default, library/ for one-word
// names, latest when no tag), so every tool here names an image the same way the kubelet pulls it.

export interface ImageRef {
  /** Registry host, with port when there is one: docker.io, quay.io, 127.0.0.1:5001. */
  registry: string;
  /** Repository path inside the registry: library/nginx, prometheus/node-exporter. */
  repository: string;
  tag?: string;
  digest?: string;
}

const digestPattern = /^sha256:[0-9a-f]{64}$/;

/** Parses a reference; undefined when it is not one (empty, spaces, upper-case repository). */
export function parseImageRef(ref: string): ImageRef | undefined {
  if (ref === '' || /\s/.test(ref)) return undefined;
  let rest = ref;
  let digest: string | undefined;
  const at = rest.indexOf('@');
  if (at >= 0) {
    digest = rest.slice(at + 1);
    rest = rest.slice(0, at);
    if (!digestPattern.test(digest)) return undefined;
  }
  let tag: string | undefined;
  const colon = rest.lastIndexOf(':');
  if (colon > rest.lastIndexOf('/')) {
    tag = rest.slice(colon + 1);
    rest = rest.slice(0, colon);
    if (!/^[\w][\w.-]{0,127}$/.test(tag)) return undefined;
  }
  const slash = rest.indexOf('/');
  const first = slash >= 0 ? rest.slice(0, slash) : '';
  // The first component is a registry host only when it looks like one (docker's own rule).
  const hasRegistry = slash >= 0 && (first.includes('.') || first.includes(':') || first === 'localhost');
  const registry = hasRegistry ? first : 'docker.io';
  let repository = hasRegistry ? rest.slice(slash + 1) : rest;
  if (registry === 'docker.io' && !repository.includes('/')) repository = `library/${repository}`;
  if (
    !/^[a-z0-9]+(?:(?:[._]|__|-+)[a-z0-9]+)*(?:\/[a-z0-9]+(?:(?:[._]|__|-+)[a-z0-9]+)*)*$/.test(repository)
  ) {
    return undefined;
  }
  if (tag === undefined && digest === undefined) tag = 'latest';
  return { registry, repository, ...(tag !== undefined ? { tag } : {}), ...(digest ? { digest } : {}) };
}

/** The full form: registry/repository[:tag][@digest]. */
export function formatImageRef(r: ImageRef): string {
  return `${r.registry}/${r.repository}${r.tag !== undefined ? `:${r.tag}` : ''}${r.digest ? `@${r.digest}` : ''}`;
}

/** registry/repository, without tag or digest: where crane pushes and pulls. */
export function repositoryOf(r: ImageRef): string {
  return `${r.registry}/${r.repository}`;
}
