// An image's path inside a mirror, without the mirror's host: what the bundle index records, so
// one bundle can be pushed to any mirror (core/shared/images/mirror.ts decides the mapping).

import { mirrorImage } from '../shared/images/mirror.js';
import { formatImageRef, type ImageRef, parseImageRef } from '../shared/images/reference.js';

const placeholder = 'mirror.invalid';

export function mirrorPath(source: string): string {
  const ref = parseImageRef(source);
  if (!ref) return source;
  return formatImageRef(mirrorImage(ref, placeholder)).slice(placeholder.length + 1);
}

/** The image in a mirror at `to` (host[:port][/prefix]). */
export function inMirror(source: string, to: string): ImageRef {
  const ref = parseImageRef(source) as ImageRef;
  return mirrorImage(ref, to);
}
