// The policies' settings from the merged values, shaped as the static entry (policies/static)
// takes them. charts/policies derives the same from the same values for Gatekeeper: a policy
// missing from platform.policies is enabled with enforcement deny; exceptions.teams are the team
// namespaces; exceptions.releases and .objects become the `exceptions` parameter (each with the
// values path that grants it); allowed-registries gets the registry settings and ingress-host the
// cluster domain.
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

interface PolicyValues {
  enabled?: boolean;
  enforcement?: 'deny' | 'warn';
  exceptions?: {
    namespaces?: string[];
    teams?: string[];
    releases?: { name: string; namespace?: string; reason: string }[];
    objects?: { kind: string; name: string; namespace?: string; container?: string; reason: string }[];
  };
}

/** The few values check reads, loosely typed so check does not depend on the whole values model. */
export interface CheckValues {
  cluster?: { domain?: string };
  platform?: {
    registry?: { mirror?: string; allowed?: string[] };
    policies?: Record<string, PolicyValues | null | undefined>;
  };
}

const defaultAllowed = ['docker.io', 'quay.io', 'registry.k8s.io', 'ghcr.io'];

export function policySettings(values: CheckValues): Record<string, PolicySettings> {
  const out: Record<string, PolicySettings> = {};
  for (const id of Object.keys(readCatalog())) {
    const p = values.platform?.policies?.[id] ?? {};
    const excluded = new Set([
      ...(p.exceptions?.namespaces ?? []),
      ...(p.exceptions?.teams ?? []).map((t) => `team-${t}`),
    ]);
    out[id] = {
      enabled: p.enabled ?? true,
      enforcement: p.enforcement ?? 'deny',
      excludedNamespaces: [...excluded].sort(),
      parameters: { ...parametersFor(id, values), ...exceptionsOf(id, p.exceptions) },
    };
  }
  return out;
}

/** The `exceptions` parameter, left out when there are none (as the chart leaves it out). */
function exceptionsOf(id: string, ex: PolicyValues['exceptions']): { exceptions?: PolicyException[] } {
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

function parametersFor(id: string, values: CheckValues): Record<string, unknown> {
  if (id === 'allowed-registries') {
    const r = values.platform?.registry ?? {};
    return { mirror: r.mirror ?? '', allowed: r.allowed ?? defaultAllowed };
  }
  if (id === 'ingress-host') return { domain: values.cluster?.domain ?? '' };
  return {};
}
