// A large values repo for the benchmark: teams across three layers, the same content written twice,
// once in runlevel's layout and once as helmfile environment values files (nested under teams.<t>).
import { mkdirSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';

export interface Generated {
  runlevelDir: string;
  helmfileDir: string;
  files: number; // per layout
}

const appsShared = 50;

function teamCommon(t: number): string {
  const apps = [0, 1, 2].map((k) => `app-${String((t * 7 + k * 13) % appsShared).padStart(2, '0')}`);
  return [
    'members:',
    `  - name: lead-${t}@example.com`,
    '    role: admin',
    `  - name: dev-${t}@example.com`,
    '    role: edit',
    'quota:',
    '  cpu: "4"',
    '  memory: 8Gi',
    '  pods: 50',
    'networkPolicy:',
    '  allowFromNamespaces: [ingress-system, monitoring]',
    `apps: [${[...new Set(apps)].join(', ')}]`,
    '',
  ].join('\n');
}

const teamEnv = (t: number) => `quota:\n  cpu: "${2 + (t % 6)}"\n  memory: ${4 + (t % 8)}Gi\n`;
const teamCluster = (t: number) =>
  `networkPolicy:\n  allowFromNamespaces: [ingress-system]\nquota:\n  pods: ${20 + (t % 40)}\n`;
const app = (a: number) =>
  `image:\n  repository: docker.io/library/app-${a}\n  tag: "1.${a}.0"\nport: 8080\nresources:\n  requests: {cpu: 50m, memory: 64Mi}\n`;
const appEnv = (a: number) => `replicas: ${1 + (a % 3)}\nautoscaling:\n  enabled: ${a % 2 === 0}\n`;

/** `text` re-indented under `teams:\n  <name>:` for helmfile, which cannot place a file under a key. */
function nested(group: string, name: string, text: string): string {
  const body = text
    .trimEnd()
    .split('\n')
    .map((l) => `    ${l}`)
    .join('\n');
  return `${group}:\n  ${name}:\n${body}\n`;
}

export function generate(root: string, teams: number): Generated {
  const rl = join(root, 'runlevel');
  const hf = join(root, 'helmfile');
  const files: [string, string, string][] = []; // runlevel path, helmfile path, content
  const put = (layer: string, group: string | undefined, name: string, text: string) => {
    const rel = group ? `${layer}/${group}/${name}.yaml` : `${layer}/${name}.yaml`;
    files.push([rel, `values/${rel}`, group ? nested(group, name, text) : text]);
    const write = (file: string, content: string) => {
      mkdirSync(dirname(file), { recursive: true });
      writeFileSync(file, content);
    };
    write(join(rl, rel), text);
    write(join(hf, 'values', rel), group ? nested(group, name, text) : text);
  };
  writeFileSync(
    join(mkdirp(rl), 'runlevel.yaml'),
    'core: "0.1.0"\nclusters:\n  bench:\n    environment: perf\ncontract: 2\n',
  );
  put(
    'common',
    undefined,
    'settings',
    'cluster:\n  domain: bench.example.com\nplatform:\n  sso:\n    enabled: false\n',
  );
  put('environments/perf', undefined, 'settings', 'platform:\n  ingress:\n    className: nginx\n');
  put('clusters/bench', undefined, 'settings', 'cluster:\n  provider: onprem\n');
  for (let a = 0; a < appsShared; a++) {
    const name = `app-${String(a).padStart(2, '0')}`;
    put('common', 'apps', name, app(a));
    put('environments/perf', 'apps', name, appEnv(a));
  }
  for (let t = 0; t < teams; t++) {
    const name = `team-${String(t).padStart(4, '0')}`;
    put('common', 'teams', name, teamCommon(t));
    put('environments/perf', 'teams', name, teamEnv(t));
    put('clusters/bench', 'teams', name, teamCluster(t));
  }
  // helmfile merges environment values files in the order listed: the same layer order as runlevel.
  const order = (p: string) =>
    p.startsWith('values/common') ? 0 : p.startsWith('values/environments') ? 1 : 2;
  const list = files.map((f) => f[1]).sort((a, b) => order(a) - order(b) || (a < b ? -1 : 1));
  mkdirp(join(hf, 'chart/templates'));
  writeFileSync(join(hf, 'chart/Chart.yaml'), 'apiVersion: v2\nname: merged\nversion: 0.1.0\n');
  writeFileSync(join(hf, 'merged.yaml.gotmpl'), '{{ .Values | toYaml }}\n');
  writeFileSync(
    join(hf, 'helmfile.yaml.gotmpl'),
    [
      'environments:',
      '  perf:',
      '    values:',
      ...list.map((f) => `      - ${f}`),
      '---',
      'releases:',
      '  - name: merged',
      '    chart: ./chart',
      '    values:',
      '      - merged.yaml.gotmpl',
      '',
    ].join('\n'),
  );
  return { runlevelDir: rl, helmfileDir: hf, files: files.length };
}

function mkdirp(dir: string): string {
  mkdirSync(dir, { recursive: true });
  return dir;
}
