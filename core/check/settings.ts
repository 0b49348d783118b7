// The policies' settings from the merged values, shaped as the static entry (policies/static)
// takes them. charts/policies derives the same from the same values for Gatekeeper: a policy
// missing from platform.policies is enabled with enforcement deny; exceptions.teams are the team
// namespaces; exceptions.releases and .objects become the `exceptions` parameter (each with the
// values path that grants it); allowed-registries gets the registry settings and ingress-host the
// cluster domain.
import type { Policies, Policy, ResolvedValues } from '../values/index.js';
import { readCatalog } from './catalog.js';

export interface PolicySettings {
  enabled: boolean;
  enforcement: 'deny' | 'warn';
  excludedNamespaces: string[];
  parameters: Record<string, unknown> & { exceptions?: PolicyException[] };
}

/** One exception as both enforcement points match it (policies/lib/runlevel/exceptions.rego). */
export interface PolicyException {
  key: string; // the values path that grants it: platform.policies.<id>.exceptions.objects[0]
  reason: string;
  release?: string;
  kind?: string;
  name?: string;
  namespace?: string;
  container?: string;
}

/** What check reads from the values. */
export type CheckValues = Pick<ResolvedValues, 'cluster' | 'platform'>;

/** A catalog policy the values schema does not list (yet) is enabled with enforcement deny. */
const unlisted: Policy = {
  enabled: true,
  enforcement: 'deny',
  exceptions: { namespaces: [], teams: [] },
};

export function policySettings(values: CheckValues): Record<string, PolicySettings> {
  const { policies } = values.platform;
  const out: Record<string, PolicySettings> = {};
  for (const id of Object.keys(readCatalog())) {
    const p = isListed(policies, id) ? policies[id] : unlisted;
    const excluded = new Set([...p.exceptions.namespaces, ...p.exceptions.teams.map((t) => `team-${t}`)]);
    out[id] = {
      enabled: p.enabled,
      enforcement: p.enforcement,
      excludedNamespaces: [...excluded].sort(),
      parameters: { ...parametersFor(id, values), ...exceptionsOf(id, p.exceptions) },
    };
  }
  return out;
}

/** The `exceptions` parameter, left out when there are none (as the chart leaves it out). */
function exceptionsOf(id: string, ex: Policy['exceptions']): { exceptions?: PolicyException[] } {
  const at = `platform.policies.${id}.exceptions`;
  const exceptions = [
    ...(ex?.releases ?? []).map(({ name, namespace, reason }, i) => ({
      key: `${at}.releases[${i}]`,
      reason,
      release: name,
      ...(namespace ? { namespace } : {}),
    })),
    ...(ex?.objects ?? []).map(({ reason, ...match }, i) => ({
      key: `${at}.objects[${i}]`,
      reason,
      ...match,
    })),
  ];
  return exceptions.length > 0 ? { exceptions } : {};
}

function isListed(policies: Policies, id: string): id is keyof Policies {
  return Object.hasOwn(policies, id);
}

function parametersFor(id: string, values: CheckValues): Record<string, unknown> {
  if (id === 'allowed-registries') {
    const { mirror, allowed } = values.platform.registry;
    return { mirror, allowed };
  }
  if (id === 'ingress-host') return { domain: values.cluster.domain };
  return {};
}
