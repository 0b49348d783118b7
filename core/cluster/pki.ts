// The local control plane's certificates, made once per state directory with openssl:
// one CA, a serving certificate for the API server, and client certificates per component.
import { existsSync } from 'node:fs';
import { mkdir } from 'node:fs/promises';
import { join } from 'node:path';
import { execa } from 'execa';
import { ToolError } from '../shared/errors.js';

export interface Pki {
  dir: string;
  caCert: string;
  caKey: string;
  serviceAccountKey: string;
  serviceAccountPub: string;
  client(name: ClientName): { cert: string; key: string };
  apiserverCert: string;
  apiserverKey: string;
}

/** Client identities: admin is in system:masters; the others are the built-in component users. */
export const clients = {
  admin: { cn: 'runlevel-admin', o: 'system:masters' },
  'kube-controller-manager': { cn: 'system:kube-controller-manager', o: '' },
  'kube-scheduler': { cn: 'system:kube-scheduler', o: '' },
  kwok: { cn: 'kwok', o: 'system:masters' },
  // Gatekeeper creates a CRD per ConstraintTemplate and watches whatever constraints match: it
  // needs about what its upstream ClusterRole grants, which for a local cluster is simply admin.
  gatekeeper: { cn: 'gatekeeper', o: 'system:masters' },
} as const;
export type ClientName = keyof typeof clients;

const ecKey = ['-newkey', 'ec', '-pkeyopt', 'ec_paramgen_curve:prime256v1', '-nodes'];

async function openssl(args: string[], step: string): Promise<void> {
  const r = await execa('openssl', args, { reject: false });
  if (r.failed) throw new ToolError(`openssl: ${step} failed: ${r.stderr || r.message}`);
}

export async function ensurePki(dir: string): Promise<Pki> {
  await mkdir(dir, { recursive: true, mode: 0o700 });
  const p = (f: string) => join(dir, f);
  const pki: Pki = {
    dir,
    caCert: p('ca.crt'),
    caKey: p('ca.key'),
    serviceAccountKey: p('sa.key'),
    serviceAccountPub: p('sa.pub'),
    apiserverCert: p('apiserver.crt'),
    apiserverKey: p('apiserver.key'),
    client: (name) => ({ cert: p(`${name}.crt`), key: p(`${name}.key`) }),
  };
  if (!existsSync(pki.caCert)) {
    await openssl(
      [
        'req',
        '-x509',
        ...ecKey,
        '-keyout',
        pki.caKey,
        '-out',
        pki.caCert,
        '-days',
        '3650',
        '-subj',
        '/CN=runlevel-local-ca',
      ],
      'create CA',
    );
  }
  const signed = (out: string, key: string, subj: string, ext: string[]) =>
    ['req', '-x509', ...ecKey, '-keyout', key, '-out', out, '-days', '825', '-subj', subj]
      .concat(['-CA', pki.caCert, '-CAkey', pki.caKey])
      .concat(ext.flatMap((e) => ['-addext', e]));
  if (!existsSync(pki.apiserverCert)) {
    const san =
      'subjectAltName=IP:127.0.0.1,IP:10.96.0.1,DNS:localhost,DNS:kubernetes,DNS:kubernetes.default,DNS:kubernetes.default.svc';
    await openssl(
      signed(pki.apiserverCert, pki.apiserverKey, '/CN=kube-apiserver', [san, 'extendedKeyUsage=serverAuth']),
      'create API server certificate',
    );
  }
  for (const [name, id] of Object.entries(clients)) {
    const { cert, key } = pki.client(name as ClientName);
    if (existsSync(cert)) continue;
    const subj = `/CN=${id.cn}${id.o ? `/O=${id.o}` : ''}`;
    await openssl(
      signed(cert, key, subj, ['extendedKeyUsage=clientAuth']),
      `create ${name} client certificate`,
    );
  }
  if (!existsSync(pki.serviceAccountKey)) {
    await openssl(
      ['ecparam', '-name', 'prime256v1', '-genkey', '-noout', '-out', pki.serviceAccountKey],
      'create SA key',
    );
    await openssl(
      ['ec', '-in', pki.serviceAccountKey, '-pubout', '-out', pki.serviceAccountPub],
      'derive SA public key',
    );
  }
  return pki;
}

/** A serving certificate signed by the cluster CA, for a webhook the API server calls on loopback
 * (Gatekeeper). Written as tls.crt/tls.key in `dir`, the names controller-runtime looks for. */
export async function ensureServingCert(
  pki: Pki,
  dir: string,
  cn: string,
): Promise<{ cert: string; key: string }> {
  await mkdir(dir, { recursive: true, mode: 0o700 });
  const cert = join(dir, 'tls.crt');
  const key = join(dir, 'tls.key');
  if (!existsSync(cert)) {
    const args = [
      'req',
      '-x509',
      ...ecKey,
      '-keyout',
      key,
      '-out',
      cert,
      '-days',
      '825',
      '-subj',
      `/CN=${cn}`,
    ];
    args.push('-CA', pki.caCert, '-CAkey', pki.caKey);
    for (const ext of ['subjectAltName=IP:127.0.0.1,DNS:localhost', 'extendedKeyUsage=serverAuth'])
      args.push('-addext', ext);
    await openssl(args, `create ${cn} serving certificate`);
  }
  return { cert, key };
}
