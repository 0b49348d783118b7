// Holds a write at the API server until the test lets it go: a validating admission webhook on
// 127.0.0.1 (self-signed with openssl) that answers "allowed" only when told to. A test then
// knows helm is in the middle of applying a release (its write arrived and waits) and can signal
// the deploy at exactly that point, without guessing from timing.
import { mkdtemp, readFile, rm } from 'node:fs/promises';
import { createServer, type Server } from 'node:https';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { AdmissionregistrationV1Api } from '@kubernetes/client-node';
import { execa } from 'execa';
import { loadKubeConfig } from '../../core/shared/kube.js';

const webhookName = 'runlevel-test-hold';

export interface HeldWrite {
  operation: string;
  kind: string;
  namespace: string;
  name: string;
}

export interface AdmissionHold {
  /** Resolves with the first write that arrived and is being held. */
  readonly arrived: Promise<HeldWrite>;
  /** Answer every held write (and every later one at once). */
  release(): void;
  /** Remove the webhook and stop the server. */
  close(): Promise<void>;
}

/**
 * Hold every CREATE of `resources` (apps/v1 or core/v1) in `namespace` until release(). CREATE
 * only: controllers update the objects they own (a Deployment's revision annotation), they do not
 * create them, so what arrives is the write the test provoked.
 */
export async function holdCreates(
  kubeconfig: string,
  opts: { namespace: string; group: '' | 'apps'; resources: string[] },
): Promise<AdmissionHold> {
  const dir = await mkdtemp(join(tmpdir(), 'runlevel-hold-'));
  const key = join(dir, 'key.pem');
  const cert = join(dir, 'cert.pem');
  await execa('openssl', [
    'req',
    '-x509',
    '-newkey',
    'ec',
    '-pkeyopt',
    'ec_paramgen_curve:prime256v1',
    '-nodes',
    '-keyout',
    key,
    '-out',
    cert,
    '-days',
    '1',
    '-subj',
    '/CN=127.0.0.1',
    '-addext',
    'subjectAltName=IP:127.0.0.1',
  ]);
  const certPem = await readFile(cert);

  let releaseAll = () => {};
  const released = new Promise<void>((resolve) => {
    releaseAll = resolve;
  });
  let arrive: (w: HeldWrite) => void = () => {};
  const arrived = new Promise<HeldWrite>((resolve) => {
    arrive = resolve;
  });

  const server: Server = createServer({ key: await readFile(key), cert: certPem }, (req, res) => {
    let body = '';
    req.on('data', (c: Buffer) => {
      body += c.toString();
    });
    req.on('end', async () => {
      const review = JSON.parse(body) as {
        request: { uid: string; operation: string; kind: { kind: string }; namespace: string; name: string };
      };
      const r = review.request;
      arrive({ operation: r.operation, kind: r.kind.kind, namespace: r.namespace, name: r.name });
      // Held until released, but answered before the API server's 30 s webhook timeout.
      await Promise.race([released, new Promise((resolve) => setTimeout(resolve, 25_000).unref())]);
      res.setHeader('content-type', 'application/json');
      res.end(
        JSON.stringify({
          apiVersion: 'admission.k8s.io/v1',
          kind: 'AdmissionReview',
          response: { uid: r.uid, allowed: true },
        }),
      );
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const port = (server.address() as AddressInfo).port;

  const api = loadKubeConfig(kubeconfig).makeApiClient(AdmissionregistrationV1Api);
  await api.deleteValidatingWebhookConfiguration({ name: webhookName }).catch(() => undefined);
  await api.createValidatingWebhookConfiguration({
    body: {
      metadata: { name: webhookName },
      webhooks: [
        {
          name: 'hold.runlevel.test',
          clientConfig: { url: `https://127.0.0.1:${port}/`, caBundle: certPem.toString('base64') },
          rules: [
            {
              apiGroups: [opts.group],
              apiVersions: ['v1'],
              operations: ['CREATE'],
              resources: opts.resources,
              scope: 'Namespaced',
            },
          ],
          namespaceSelector: { matchLabels: { 'kubernetes.io/metadata.name': opts.namespace } },
          failurePolicy: 'Ignore',
          sideEffects: 'None',
          admissionReviewVersions: ['v1'],
          timeoutSeconds: 30,
        },
      ],
    },
  });

  return {
    arrived,
    release: releaseAll,
    async close() {
      releaseAll();
      await api.deleteValidatingWebhookConfiguration({ name: webhookName }).catch(() => undefined);
      server.closeAllConnections();
      await new Promise((resolve) => server.close(resolve));
      await rm(dir, { recursive: true, force: true });
    },
  };
}
