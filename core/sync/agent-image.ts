// The image the agent's chart runs follows the pin, not the tag written in the values: otherwise
// the new core, deploying after a hand-over, would put its own Deployment back on the old image
// (repair of live drift included), and the old core would hand over again, for ever.
import { coreInMirror, mirrorImage } from '../shared/images/mirror.js';
import { parseImageRef } from '../shared/images/reference.js';

/**
 * `written` is platform.agent.image (repository[:tag][@digest]), `pin` the cluster's core version,
 * `live` the image the agent's Deployment names now. The live image wins when it is this
 * repository at this version by digest (what a hand-over verified and set); else the written
 * image when its tag is the pin; else the written repository at the pin.
 */
export function agentImage(written: string, pin: string, live?: string, mirror?: string): string {
  const w = parseImageRef(written);
  if (!w) return written; // empty or malformed: the chart or the schema says so
  const l = live ? parseImageRef(live) : undefined;
  // Behind a mirror the live image may be the mirrored name of the written one, or the core's own
  // place there (<mirror>/runlevel, where bundle push puts it).
  const places = [w, ...(mirror ? [mirrorImage(w, mirror), parseImageRef(coreInMirror(pin, mirror))] : [])];
  const same = places.some((p) => p && l && p.registry === l.registry && p.repository === l.repository);
  if (live && l?.digest && l.tag === pin && same) return live;
  if (w.tag === pin) return written;
  return `${writtenRepository(written)}:${pin}`;
}

/** registry:5000/a/runlevel:0.1.0@sha256:… → registry:5000/a/runlevel, as written (no docker.io/library/). */
export function writtenRepository(image: string): string {
  const noDigest = image.split('@')[0] ?? image;
  const slash = noDigest.lastIndexOf('/');
  const colon = noDigest.lastIndexOf(':');
  return colon > slash ? noDigest.slice(0, colon) : noDigest;
}
