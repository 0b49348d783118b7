// Where an image lives in the registry mirror. The source registry becomes the first path
// component (docker.io/library/nginx → mirror.example.com/docker.io/library/nginx), as a proxy
// cache keeps one project per upstream: two registries' same-named repositories never collide,
// and the original stays readable in the mirrored name. A port's ':' becomes '_', the one
// separator a repository path allows there (127.0.0.1:5001 → 127.0.0.1_5001).
import { formatImageRef, type ImageRef, parseImageRef } from './reference.js';

/** A mirror as `platform.registry.mirror` and `bundle push --to` take it: host[:port][/prefix]. */
const mirrorGrammar = /^[a-z0-9]([-a-z0-9.]*[a-z0-9])?(:[0-9]+)?(\/[a-z0-9._-]+)*$/;

/**
 * Why `text` is not a mirror (host[:port][/prefix], lower case, no scheme), with the fix; undefined
 * when it is one. One grammar for the values setting and the bundle's target, so a mirror the
 * values accept is one a bundle can be pushed to and the other way round.
 */
export function mirrorProblem(text: string): string | undefined {
  if (mirrorGrammar.test(text)) return undefined;
  const scheme = /^[a-z][a-z0-9+.-]*:\/\//i.exec(text);
  if (scheme)
    return `is a URL; a mirror is a registry host without ${scheme[0]}: ${text.slice(scheme[0].length)}`;
  if (/\s/.test(text))
    return 'contains white space; a mirror is a registry host such as mirror.example.com:5000';
  if (/[A-Z]/.test(text)) {
    return `has upper case letters; registry hosts and repository paths are lower case: ${text.toLowerCase()}`;
  }
  return 'must be a registry host such as mirror.example.com, mirror.example.com:5000 or mirror.example.com/platform';
}

/** The mirror setting: a host with optional port and path prefix (mirror.example.com:5000/platform). */
export function mirrorImage(ref: ImageRef, mirror: string, digest?: string): ImageRef {
  const [host = '', ...prefix] = mirror.replace(/\/+$/, '').split('/');
  // Already in the mirror: kept as it is (an image a chart names by its mirrored name).
  if (ref.registry === host) return digest && !ref.digest ? { ...ref, digest } : ref;
  const source = ref.registry.replace(':', '_');
  return {
    registry: host,
    repository: [...prefix, source, ref.repository].join('/'),
    ...(ref.tag !== undefined ? { tag: ref.tag } : {}),
    ...(ref.digest || digest ? { digest: ref.digest ?? digest } : {}),
  };
}

/** mirrorImage on a reference string; undefined when it is not a reference. */
export function mirrorRef(ref: string, mirror: string, digest?: string): string | undefined {
  const parsed = parseImageRef(ref);
  return parsed ? formatImageRef(mirrorImage(parsed, mirror, digest)) : undefined;
}

/** The core image's repository in a mirror: `bundle push` puts it there, the launcher pulls it
 * from there (RUNLEVEL_IMAGE_REPOSITORY=<mirror>/runlevel). */
export const coreMirrorRepository = 'runlevel';

/** The core image of `version` in the mirror: <mirror>/runlevel:<version>. */
export function coreInMirror(version: string, mirror: string): string {
  return `${mirror.replace(/\/+$/, '')}/${coreMirrorRepository}:${version}`;
}
