// Gatekeeper beside the local control plane. Pods here are fake (kwok marks them Running), so
// Gatekeeper runs the way kwok does: as a real process on the host, started by `cluster up`,
// recorded by PID and stopped by `down`. The API server reaches its admission webhook on
// https://127.0.0.1:<port>/v1/admit through a ValidatingWebhookConfiguration with the local CA.
//
// Gatekeeper's controllers need their CRDs before they start, and the ConstraintTemplate CRD is the
// platform's (runlevel 00 installs it): so the daemon is a small shell that waits for that CRD to
// be Established and then execs Gatekeeper in its place (same PID, so `down` stops whichever is
// running). Until then, and whenever Gatekeeper is down, the webhook fails open (failurePolicy
// Ignore) and the cluster works as one without Gatekeeper.
import { existsSync } from 'node:fs';
import { readFile } from 'node:fs/promises';
import { delimiter, join } from 'node:path';
import {
  type KubeConfig,
  type KubernetesObject,
  KubernetesObjectApi,
  PatchStrategy,
  type V1Pod,
  type V1ValidatingWebhookConfiguration,
} from '@kubernetes/client-node';
import { ToolError } from '../shared/errors.js';
import { readPins, toolsBinDir } from '../shared/tools.js';
import { gatekeeperRuntimeCrds, runtimeCrdManifest } from './gatekeeper-crds.js';
import { writeKubeconfig } from './kubeconfig.js';
import { ensureServingCert, type Pki } from './pki.js';
import { freePort } from './ports.js';

export const gatekeeperNamespace = 'gatekeeper-system';
/** The Pod object that stands for the process: Gatekeeper owns its status reports by this Pod. */
export const gatekeeperPodName = 'gatekeeper-local';
export const gatekeeperWebhookName = 'gatekeeper-validating-webhook-configuration';
export const constraintTemplateCrd = 'constrainttemplates.templates.gatekeeper.sh';

/** Never sent to Gatekeeper: the control plane's own namespaces, the engine's (deploy lock and
 * record), Gatekeeper's own, and any namespace labelled admission.gatekeeper.sh/ignore. */
export const gatekeeperExemptNamespaces = [
  'kube-system',
  'kube-public',
  'kube-node-lease',
  'runlevel-system',
  gatekeeperNamespace,
];

export interface GatekeeperLaunch {
  bin: string;
  args: string[];
  env: Record<string, string>;
  webhookUrl: string;
  healthUrl: string;
}

export function gatekeeperBinary(): string {
  for (const dir of [toolsBinDir(), ...(process.env.PATH ?? '').split(delimiter)]) {
    const candidate = join(dir, 'gatekeeper');
    if (dir && existsSync(candidate)) return candidate;
  }
  throw new ToolError('gatekeeper is not installed', { hint: 'run `make tools`' });
}

/**
 * Everything Gatekeeper needs in the cluster before it starts: its runtime CRDs, its namespace, the
 * Pod that stands for it, and the webhook registration pointing at this start's port. Idempotent
 * (server-side apply), so a second `up` on kept etcd data re-points the webhook and nothing else.
 */
export async function installGatekeeper(opts: {
  kc: KubeConfig;
  pki: Pki;
  server: string;
  kubeconfigDir: string;
  kubectl: string;
}): Promise<GatekeeperLaunch> {
  const bin = gatekeeperBinary();
  const [webhookPort, healthPort, metricsPort] = [await freePort(), await freePort(), await freePort()];
  const certDir = join(opts.pki.dir, 'gatekeeper');
  await ensureServingCert(opts.pki, certDir, 'gatekeeper-webhook');
  const kubeconfig = join(opts.kubeconfigDir, 'gatekeeper.kubeconfig');
  await writeKubeconfig(kubeconfig, {
    server: opts.server,
    caCert: opts.pki.caCert,
    ...opts.pki.client('gatekeeper'),
  });

  const webhookUrl = `https://127.0.0.1:${webhookPort}/v1/admit`;
  const caBundle = (await readFile(opts.pki.caCert)).toString('base64');
  const api = KubernetesObjectApi.makeApiClient(opts.kc);
  const apply = (object: KubernetesObject) =>
    api.patch(object, undefined, undefined, 'runlevel-cluster', true, PatchStrategy.ServerSideApply);
  // In three steps, each in parallel (this runs inside `cluster up`): the namespace before what lives in it.
  await Promise.all([
    ...gatekeeperRuntimeCrds.map((crd) => apply(runtimeCrdManifest(crd))),
    apply(webhookConfiguration(webhookUrl, caBundle)),
    apply({
      apiVersion: 'v1',
      kind: 'Namespace',
      metadata: { name: gatekeeperNamespace, labels: systemLabels },
    }),
  ]);
  // Pods need their ServiceAccount to exist; the controller-manager makes `default` too late.
  await apply({
    apiVersion: 'v1',
    kind: 'ServiceAccount',
    metadata: { name: 'gatekeeper-admin', namespace: gatekeeperNamespace, labels: systemLabels },
  });
  await apply(gatekeeperPod());

  return {
    bin: '/bin/sh',
    args: [
      '-c',
      waitThenExec,
      'gatekeeper',
      opts.kubectl,
      kubeconfig,
      bin,
      ...gatekeeperArgs(certDir, webhookPort, healthPort, metricsPort),
    ],
    env: { KUBECONFIG: kubeconfig, POD_NAME: gatekeeperPodName, POD_NAMESPACE: gatekeeperNamespace },
    webhookUrl,
    healthUrl: `http://127.0.0.1:${healthPort}/readyz`,
  };
}

const systemLabels = { 'gatekeeper.sh/system': 'yes', 'admission.gatekeeper.sh/ignore': 'no-self-managing' };

/**
 * $1 kubectl, $2 kubeconfig, then Gatekeeper's argv. Waits for the ConstraintTemplate CRD with one
 * long-lived `kubectl wait` (it polls in-process every 0.5 s: about 1% of a core, no process per
 * poll), retrying while the API server is away. The waits run as background children so a SIGTERM
 * from `down` ends them too instead of leaving an orphan kubectl behind; their timeout bounds one
 * that a SIGKILL of the shell orphans anyway. Gatekeeper does not win back its watches when the CRD
 * it serves is deleted and made again (`destroy --purge` deletes it: platform-init marks it
 * `helm.sh/resource-policy: keep`, and purge removes what helm keeps), so it is stopped while the
 * CRD is gone and started afresh once runlevel 00 brings it back; SIGTERM stops both.
 */
const waitThenExec = `kubectl=$1 kubeconfig=$2
shift 2
crd=customresourcedefinitions.apiextensions.k8s.io/${constraintTemplateCrd}
w= g=
trap 'kill $w $g 2>/dev/null; wait $g 2>/dev/null; exit 143' TERM INT
child() { "$@" & w=$!; wait $w; }
while :; do
  echo "waiting for $crd (runlevel 00 installs it) before starting gatekeeper"
  until child "$kubectl" --kubeconfig "$kubeconfig" wait --for=create "$crd" --timeout=10m >/dev/null &&
    child "$kubectl" --kubeconfig "$kubeconfig" wait --for=condition=Established "$crd" --timeout=1m >/dev/null
  do
    child sleep 2
  done
  echo "$crd is Established: starting gatekeeper"
  "$@" & g=$!
  until child "$kubectl" --kubeconfig "$kubeconfig" wait --for=delete "$crd" --timeout=24h >/dev/null; do
    kill -0 $g 2>/dev/null || break
    child sleep 2
  done
  kill $g 2>/dev/null; wait $g 2>/dev/null; g=
  echo "$crd is gone: gatekeeper stopped until runlevel 00 brings it back"
done`;

/**
 * One Gatekeeper process that validates (webhook), turns ConstraintTemplates into constraint CRDs
 * (generate) and reports status (status: it is what sets a template's .status.created). Off: audit
 * (a full cluster scan every minute, not needed to refuse objects), mutation, external data,
 * generator expansion, ValidatingAdmissionPolicy generation (our templates are Rego, not CEL), and
 * certificate rotation (the cluster's PKI made the serving certificate). Every listener is on a
 * free port, so two local clusters can run side by side.
 */
function gatekeeperArgs(certDir: string, webhook: number, health: number, metrics: number): string[] {
  return [
    '--operation=webhook',
    '--operation=status',
    '--operation=generate',
    '--default-create-vap-for-templates=false',
    '--default-create-vap-binding-for-constraints=false',
    '--enable-external-data=false',
    '--enable-generator-resource-expansion=false',
    '--disable-cert-rotation',
    `--cert-dir=${certDir}`,
    '--host=127.0.0.1',
    `--port=${webhook}`,
    `--health-addr=127.0.0.1:${health}`,
    '--metrics-addr=0',
    `--prometheus-port=${metrics}`, // Gatekeeper's own metrics server (binds all interfaces)
    `--validating-webhook-configuration-name=${gatekeeperWebhookName}`,
    '--shutdown-delay=0', // no Service endpoints to drain: stop at once on SIGTERM
    '--log-denies',
    '--log-level=INFO',
  ];
}

function gatekeeperPod(): V1Pod {
  const version = readPins().GATEKEEPER ?? 'unpinned';
  return {
    apiVersion: 'v1',
    kind: 'Pod',
    metadata: {
      name: gatekeeperPodName,
      namespace: gatekeeperNamespace,
      labels: {
        ...systemLabels,
        'control-plane': 'controller-manager',
        'gatekeeper.sh/operation': 'webhook',
      },
      annotations: {
        'runlevel.dev/stands-for': 'the gatekeeper process beside the local control plane (see cluster.json)',
      },
    },
    // Never pulled or run (kwok): it names what runs, and gives status reports an owner with a UID.
    spec: {
      serviceAccountName: 'gatekeeper-admin',
      automountServiceAccountToken: false,
      containers: [{ name: 'manager', image: `openpolicyagent/gatekeeper:${version}` }],
    },
  };
}

function webhookConfiguration(url: string, caBundle: string): V1ValidatingWebhookConfiguration {
  return {
    apiVersion: 'admissionregistration.k8s.io/v1',
    kind: 'ValidatingWebhookConfiguration',
    metadata: { name: gatekeeperWebhookName, labels: { 'gatekeeper.sh/system': 'yes' } },
    webhooks: [
      {
        name: 'validation.gatekeeper.sh',
        clientConfig: { url, caBundle },
        rules: [
          {
            apiGroups: ['*'],
            apiVersions: ['*'],
            operations: ['CREATE', 'UPDATE'],
            resources: ['*'],
            scope: '*',
          },
        ],
        namespaceSelector: {
          matchExpressions: [
            { key: 'kubernetes.io/metadata.name', operator: 'NotIn', values: gatekeeperExemptNamespaces },
            { key: 'admission.gatekeeper.sh/ignore', operator: 'DoesNotExist' },
          ],
        },
        // Fail open: while Gatekeeper waits for runlevel 00, or after it died, the cluster still works.
        failurePolicy: 'Ignore',
        sideEffects: 'None',
        admissionReviewVersions: ['v1', 'v1beta1'],
        timeoutSeconds: 5,
      },
    ],
  };
}
