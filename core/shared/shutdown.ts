// The process-wide stop signals, aborted by main(): `shutdown` on the first SIGINT/SIGTERM (start
// nothing new, let what is in flight finish), `halt` on the second (stop what is in flight too:
// helm is told to stop and marks its release failed). Kept apart from exec.ts so commands that
// never spawn a process do not load execa just to see them.
import { setMaxListeners } from 'node:events';

export const shutdown = new AbortController();
export const halt = new AbortController();
// Every concurrent child and wait listens on the one signal; dozens at once are normal, not a leak.
setMaxListeners(1000, shutdown.signal);
setMaxListeners(1000, halt.signal);
