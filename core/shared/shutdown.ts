// The process-wide stop signal, aborted by main() on SIGINT/SIGTERM. Kept apart from exec.ts so
// commands that never spawn a process do not load execa just to see it.
import { setMaxListeners } from 'node:events';

export const shutdown = new AbortController();
// Every concurrent child and wait listens on the one signal; dozens at once are normal, not a leak.
setMaxListeners(1000, shutdown.signal);
