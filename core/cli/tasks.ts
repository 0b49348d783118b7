// Bridges the deploy engine to the lifecycle tasks of core/tasks.
import type { KubeConfig } from '@kubernetes/client-node';
import { shutdown } from '../shared/exec.js';
import type { Resolved } from '../values/index.js';

export function taskRunner(kc: KubeConfig, resolved: Resolved): (name: string) => Promise<string[]> {
  return async (name) => {
    // TODO(lead): static import once core/tasks/registry.ts lands.
    const registry = '../tasks/registry.js';
    const { getTask, runTask } = (await import(registry)) as {
      getTask: (n: string) => unknown;
      runTask: (t: unknown, ctx: unknown) => Promise<{ changed: string[] }>;
    };
    const result = await runTask(getTask(name), {
      kc,
      values: resolved.values as unknown as Record<string, unknown>,
      cluster: resolved.cluster,
      signal: shutdown.signal,
    });
    return result.changed;
  };
}
