// The reference platform for the render benchmark: N teams, each deploying the same 3 apps
// (web with an ingress, api with autoscaling, worker without a service), SSO and TLS on.
import { cp, mkdir, readFile, rm, writeFile } from 'node:fs/promises';
import { dirname, join } from 'node:path';
import { ageKeyFileText, generateAgeIdentity } from '../../core/values/age-key.js';
import { defaultAgeKeyFile, encrypt } from '../../core/values/secrets.js';

export async function writeBenchRepo(root: string, teams: number): Promise<void> {
  const files: Record<string, string> = {
    'runlevel.yaml': 'core: "0.1.0"\nclusters:\n  bench:\n    environment: bench\ncontract: 2\n',
    'clusters/bench/settings.yaml': 'cluster:\n  domain: bench.example.com\n',
    'environments/bench/settings.yaml': '# the bench environment has nothing of its own\n',
    'common/apps/web.yaml': [
      'image: { repository: docker.io/library/nginx, tag: "1.27.3" }',
      'replicas: 2',
      'ingress: { enabled: true, host: web.bench.example.com }',
      'values: { env: { MODE: web } }',
      '',
    ].join('\n'),
    'common/apps/api.yaml': [
      'image: { repository: ghcr.io/example/api, tag: "2.1.0" }',
      'autoscaling: { enabled: true, minReplicas: 2, maxReplicas: 6 }',
      '',
    ].join('\n'),
    'common/apps/worker.yaml': [
      'image: { repository: ghcr.io/example/worker, tag: "2.1.0" }',
      'replicas: 1',
      'values: { service: { enabled: false }, probes: { enabled: false } }',
      '',
    ].join('\n'),
  };
  for (let i = 1; i <= teams; i++) {
    const team = `team${String(i).padStart(3, '0')}`;
    files[`common/teams/${team}.yaml`] = [
      'members:',
      `  - { name: lead-${team}@example.com, role: admin }`,
      `  - { name: dev-${team}@example.com, role: edit }`,
      'apps: [web, api, worker]',
      '',
    ].join('\n');
  }
  for (const [path, text] of Object.entries(files)) {
    await mkdir(join(root, path, '..'), { recursive: true });
    await writeFile(join(root, path), text);
  }
  await writeBenchSecrets(root);
}

/**
 * The SSO admin password, as a user keeps it: in a sops file (a secret field in a plain file is
 * refused), encrypted to a key of the bench's own at the repo's default key place.
 */
async function writeBenchSecrets(root: string): Promise<void> {
  const id = generateAgeIdentity();
  const keyFile = defaultAgeKeyFile(root);
  await mkdir(dirname(keyFile), { recursive: true });
  await writeFile(keyFile, ageKeyFileText(id), { mode: 0o600 });
  await writeFile(
    join(root, '.sops.yaml'),
    `creation_rules:\n  - path_regex: \\.sops\\.yaml$\n    age: ${id.recipient}\n`,
  );
  const file = 'clusters/bench/secrets.sops.yaml';
  const plain = 'platform:\n  sso:\n    adminPassword: bench-admin-password\n';
  await writeFile(join(root, file), await encrypt(root, file, plain));
}

/**
 * The same repo for a `--baseline` core from before the values contract (1a69dde): a copy without
 * the `contract:` line, which that core does not know. The bench values use no key the contract
 * changed, so both cores read the same values. Copied again before every baseline run, since the
 * deploy bench edits the repo between runs.
 */
export async function baselineCopy(repo: string, dest: string): Promise<string> {
  // Same base name: the age key is found by the repo's directory name.
  await rm(dest, { recursive: true, force: true });
  await mkdir(dirname(dest), { recursive: true });
  await cp(repo, dest, { recursive: true });
  const file = join(dest, 'runlevel.yaml');
  await writeFile(file, (await readFile(file, 'utf8')).replace(/^contract: .*\n/m, ''));
  return dest;
}
