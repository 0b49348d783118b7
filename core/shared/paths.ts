import { resolve } from 'node:path';

/** The runlevel checkout (or /opt/runlevel in the image): charts, helmfile.d, schemas, policies. */
export const coreRoot = resolve(import.meta.dirname, '../../..');
