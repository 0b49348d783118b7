// Bridges the deploy engine to the lifecycle tasks of core/tasks.
import type { KubeConfig } from '@kubernetes/client-node';
import { shutdown } from '../shared/exec.js';
import { getTask, parseTaskList, runTask } from '../tasks/index.js';
import type { Resolved } from '../values/index.js';

/** Runs one task call as written in a runlevel header (`wait-crds(a,b)`); returns what changed. */
export function taskRunner(kc: KubeConfig, resolved: Resolved): (call: string) => Promise<string[]> {
  return async (call) => {
    const changed: string[] = [];
    for (const c of parseTaskList(call)) {
      const result = await runTask(getTask(c.name), {
        kc,
        values: resolved.values,
        cluster: resolved.cluster,
        signal: shutdown.signal,
        args: c.args,
      });
      changed.push(...result.changed);
    }
    return changed;
  };
}
