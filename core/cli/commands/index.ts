// The verbs, imported lazily so `runlevel version` does not load the deploy engine.
import type { Command } from '../command.js';

export const commands: Record<string, { summary: string; load: () => Promise<Command> }> = {
  init: {
    summary: 'create a new values repo from the template',
    load: async () => (await import('./init.js')).command,
  },
  validate: {
    summary: 'merge and validate the values of every cluster',
    load: async () => (await import('./validate.js')).command,
  },
  migrate: {
    summary: "rewrite the values repo for this core's values contract (comments kept) and commit it",
    load: async () => (await import('./migrate.js')).command,
  },
  upgrade: {
    summary:
      "what moving a cluster's pin to another core would change, before it changes; --write commits the move",
    load: async () => (await import('./upgrade.js')).command,
  },
  values: {
    summary: 'print the merged values of a cluster',
    load: async () => (await import('./values.js')).command,
  },
  template: {
    summary: 'render every enabled release, runlevel by runlevel',
    load: async () => (await import('./template.js')).command,
  },
  check: {
    summary: 'check the rendered platform: Kubernetes schemas and policies',
    load: async () => (await import('./check.js')).command,
  },
  images: {
    summary: 'every image the platform runs: source → mirror target, where it is used and set',
    load: async () => (await import('./images.js')).command,
  },
  deploy: {
    summary: 'validate, render, check and deploy every runlevel in order',
    load: async () => (await import('./deploy.js')).command,
  },
  diff: {
    summary: 'what a deploy would change: releases and objects, with a diff of each changed object',
    load: async () => (await import('./diff.js')).command,
  },
  status: {
    summary: 'what is deployed: releases, digests against the values on disk, readiness, last deploys',
    load: async () => (await import('./status.js')).command,
  },
  destroy: {
    summary: 'uninstall every release runlevel deployed, in reverse runlevel order, then runlevel-system',
    load: async () => (await import('./destroy.js')).command,
  },
  version: {
    summary: 'core version and the pinned tools found',
    load: async () => (await import('./version.js')).command,
  },
  cluster: {
    summary: 'embedded local control plane: up | down | status',
    load: async () => (await import('./cluster.js')).command,
  },
  charts: {
    summary: 'add charts you did not write: vendor a chart archive with its record | verify the records',
    load: async () => (await import('./charts.js')).command,
  },
  bundle: {
    summary: 'air-gapped transfer: create one signed file of every image | push it to a mirror | inspect it',
    load: async () => (await import('./bundle.js')).command,
  },
  sync: {
    summary: 'the agent: follow a branch of the values repo, deploy each new good commit, watch drift',
    load: async () => (await import('./sync.js')).command,
  },
  bootstrap: {
    summary: 'install the sync agent with a first deploy: from then on the cluster follows the repo',
    load: async () => (await import('./bootstrap.js')).command,
  },
  serve: {
    summary: 'status pages (HTML and /api/v1 JSON) of a cluster or the fleet, read-only',
    load: async () => (await import('./serve.js')).command,
  },
  fleet: {
    summary: 'fleet status: every cluster of runlevel.yaml, one line each',
    load: async () => (await import('./fleet.js')).command,
  },
  rollout: {
    summary: 'deploy the fleet stage by stage (runlevel.yaml rollout.stages), each stage soaked and gated',
    load: async () => (await import('./rollout.js')).command,
  },
  promote: {
    summary: "move the next stage's pins in one commit, when the stage before it holds its gate (GitOps)",
    load: async () => (await import('./promote.js')).command,
  },
  task: {
    summary: 'run one lifecycle task, or list them (--list)',
    load: async () => (await import('./task.js')).command,
  },
};
