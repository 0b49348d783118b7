// The reference platform for the render benchmark: N teams, each deploying the same 3 apps
// (web with an ingress, api with autoscaling, worker without a service), SSO and TLS on.
import { mkdir, writeFile } from 'node:fs/promises';
import { join } from 'node:path';

export async function writeBenchRepo(root: string, teams: number): Promise<void> {
  const files: Record<string, string> = {
    'runlevel.yaml': 'core: "0.1.0"\nclusters:\n  bench:\n    environment: bench\n',
    'clusters/bench/settings.yaml': [
      'cluster:',
      '  domain: bench.example.com',
      'platform:',
      '  sso:',
      '    adminPassword: bench-admin-password',
      '',
    ].join('\n'),
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
}
