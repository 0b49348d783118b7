// The verbs, imported lazily so `runlevel version` does not load the deploy engine.
import type { Command } from '../command.js';

export const commands: Record<string, { summary: string; load: () => Promise<Command> }> = {
  version: {
    summary: 'core version and the pinned tools found',
    load: async () => (await import('./version.js')).command,
  },
  cluster: {
    summary: 'embedded local control plane: up | down | status',
    load: async () => (await import('./cluster.js')).command,
  },
};
