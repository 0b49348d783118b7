// Where a command's time goes, for --verbose: seconds since the process started at each step, so a
// one-change deploy's fixed cost can be read off one run (docs/benchmarks.md lists it).
import { performance } from 'node:perf_hooks';
import { log } from './log.js';

export function mark(what: string): void {
  log.debug(() => `⏱ ${(performance.now() / 1000).toFixed(2)}s ${what}`);
}
