// The CustomResourceDefinitions Gatekeeper's own controllers watch at start-up, written for runlevel
// from Gatekeeper's API types (group, version, kind, scope, whether status is a subresource).
// They belong to the Gatekeeper installation, like its binary: `cluster up` applies them.
// Not here: the ConstraintTemplate CRD, which is the platform's interface to Gatekeeper and ships
// in runlevel 00 (charts/platform-init), and the mutation and expansion CRDs, whose controllers
// the local Gatekeeper runs without (see gatekeeperArgs).
//
// Gatekeeper reads these objects with typed clients and writes them itself; nothing of ours creates
// them, so a structural schema that keeps every field is enough (the API server only stores them).

import type { V1CustomResourceDefinition, V1JSONSchemaProps } from '@kubernetes/client-node';

interface RuntimeCrd {
  group: string;
  version: string;
  kind: string;
  plural: string;
  scope: 'Namespaced' | 'Cluster';
  /** Gatekeeper writes .status through the status subresource (Config, Connection, Provider) or
   * as part of the object (the *PodStatus kinds, whose whole content is their status). */
  statusSubresource: boolean;
}

export const gatekeeperRuntimeCrds: readonly RuntimeCrd[] = [
  // config controller (always on): exempt namespaces, sync, readiness settings
  {
    group: 'config.gatekeeper.sh',
    version: 'v1alpha1',
    kind: 'Config',
    plural: 'configs',
    scope: 'Namespaced',
    statusSubresource: true,
  },
  // syncset controller (any validation operation): which objects to cache for referential rules
  {
    group: 'syncset.gatekeeper.sh',
    version: 'v1alpha1',
    kind: 'SyncSet',
    plural: 'syncsets',
    scope: 'Cluster',
    statusSubresource: false,
  },
  // connection status controller (status operation): violation export connections
  {
    group: 'connection.gatekeeper.sh',
    version: 'v1alpha1',
    kind: 'Connection',
    plural: 'connections',
    scope: 'Namespaced',
    statusSubresource: true,
  },
  // external data status controller (status operation): it watches providers even with external data off
  {
    group: 'externaldata.gatekeeper.sh',
    version: 'v1beta1',
    kind: 'Provider',
    plural: 'providers',
    scope: 'Cluster',
    statusSubresource: true,
  },
  // per-pod status reports, aggregated into .status of templates, constraints, configs, ...
  ...(
    [
      ['ConstraintTemplatePodStatus', 'constrainttemplatepodstatuses', 'v1beta1'],
      ['ConstraintPodStatus', 'constraintpodstatuses', 'v1beta1'],
      ['ConfigPodStatus', 'configpodstatuses', 'v1beta1'],
      ['ProviderPodStatus', 'providerpodstatuses', 'v1beta1'],
      ['ConnectionPodStatus', 'connectionpodstatuses', 'v1alpha1'],
    ] as const
  ).map(([kind, plural, version]) => ({
    group: 'status.gatekeeper.sh',
    version,
    kind,
    plural,
    scope: 'Namespaced' as const,
    statusSubresource: false,
  })),
];

// Typed as the client's model, not as YAML: the client serialises by its model's field names and
// silently drops a wire name such as `x-kubernetes-preserve-unknown-fields`.
const keepEverything: V1JSONSchemaProps = { type: 'object', x_kubernetes_preserve_unknown_fields: true };

export function runtimeCrdManifest(crd: RuntimeCrd): V1CustomResourceDefinition {
  return {
    apiVersion: 'apiextensions.k8s.io/v1',
    kind: 'CustomResourceDefinition',
    metadata: {
      name: `${crd.plural}.${crd.group}`,
      labels: { 'gatekeeper.sh/system': 'yes', 'app.kubernetes.io/managed-by': 'runlevel-cluster' },
    },
    spec: {
      group: crd.group,
      scope: crd.scope,
      names: {
        kind: crd.kind,
        listKind: `${crd.kind}List`,
        plural: crd.plural,
        singular: crd.kind.toLowerCase(),
        categories: ['gatekeeper'],
      },
      versions: [
        {
          name: crd.version,
          served: true,
          storage: true,
          ...(crd.statusSubresource ? { subresources: { status: {} } } : {}),
          schema: {
            openAPIV3Schema: {
              type: 'object',
              properties: {
                apiVersion: { type: 'string' },
                kind: { type: 'string' },
                metadata: { type: 'object' },
                spec: keepEverything,
                status: keepEverything,
              },
            },
          },
        },
      ],
    },
  };
}
