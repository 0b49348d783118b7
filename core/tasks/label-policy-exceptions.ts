// label-policy-exceptions: team namespaces carry policy.runlevel.dev/exempt-<policy>=true for every
// policy whose values list the team under exceptions.teams, so in-cluster admission (runlevel 10)
// can select them; labels with that prefix the values no longer grant are removed.
import { CoreV1Api } from '@kubernetes/client-node';
import { eachBounded, mergePatch, requestOptions, requireNamespaces } from './kube.js';
import type { Task } from './types.js';
import { policyExceptionsOf, teamNames, teamNamespace } from './values.js';

export const exemptLabelPrefix = 'policy.runlevel.dev/exempt-';

export const labelPolicyExceptions: Task = {
  name: 'label-policy-exceptions',
  description: `label team namespaces ${exemptLabelPrefix}<policy>=true for the exceptions their values grant`,
  async run({ kc, values, signal }) {
    const core = kc.makeApiClient(CoreV1Api);
    const teams = teamNames(values);
    await requireNamespaces(core, teams.map(teamNamespace), signal);

    const changed = await eachBounded(teams, signal, async (team) => {
      const out: string[] = [];
      const name = teamNamespace(team);
      const ns = await core.readNamespace({ name }, requestOptions(signal));
      const labels = ns.metadata?.labels ?? {};
      const wanted = new Set(policyExceptionsOf(values, team).map((id) => `${exemptLabelPrefix}${id}`));
      // A merge patch: a key set to null is removed; every other label stays as it is.
      const patch: Record<string, string | null> = {};
      for (const label of wanted) if (labels[label] !== 'true') patch[label] = 'true';
      for (const label of Object.keys(labels))
        if (label.startsWith(exemptLabelPrefix) && !wanted.has(label)) patch[label] = null;
      if (Object.keys(patch).length === 0) return out;
      await core.patchNamespace(
        { name, body: { metadata: { labels: patch } } },
        requestOptions(signal, mergePatch),
      );
      for (const [label, value] of Object.entries(patch).sort(([a], [b]) => a.localeCompare(b)))
        out.push(value === null ? `removed label ${label} from ${name}` : `labelled ${name} ${label}=true`);
      return out;
    });
    return { changed };
  },
};
