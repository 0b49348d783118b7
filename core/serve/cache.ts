// The status held in memory and refreshed on an interval (or when the sync agent says a sync
// ended), never recomputed per request: a page request only reads what is here.

import type { Status } from './types.js';

export interface StatusCache {
  /** The status last read; undefined until the first read ends. */
  current(): Status | undefined;
  /** Read again now; a read already running is joined, not doubled. */
  refresh(): Promise<void>;
  /** First read (awaited), then one every interval until stop(). */
  start(): Promise<void>;
  stop(): void;
}

export interface CacheOptions {
  read: () => Promise<Status>;
  intervalMs: number;
  /**
   * The status to show when a read fails: the last good one marked with the error (its facts keep
   * their own time), or, before any, what `empty` makes of the error.
   */
  empty: (err: Error) => Status;
  /** Told of each failed read (the server logs it). */
  onError?: (err: Error) => void;
}

export function statusCache(opts: CacheOptions): StatusCache {
  let status: Status | undefined;
  let running: Promise<void> | undefined;
  let timer: NodeJS.Timeout | undefined;
  let stopped = false;

  const readOnce = async () => {
    try {
      status = await opts.read();
    } catch (err) {
      const e = err instanceof Error ? err : new Error(String(err));
      opts.onError?.(e);
      const message = e.message.split('\n')[0] ?? 'read failed';
      status = status ? { ...status, error: message } : { ...opts.empty(e), error: message };
    }
  };
  const refresh = () => {
    running ??= readOnce().finally(() => {
      running = undefined;
    });
    return running;
  };
  const schedule = () => {
    if (stopped) return;
    timer = setTimeout(() => {
      void refresh().then(schedule);
    }, opts.intervalMs);
  };
  return {
    current: () => status,
    refresh,
    async start() {
      await refresh();
      schedule();
    },
    stop() {
      stopped = true;
      if (timer) clearTimeout(timer);
    },
  };
}
