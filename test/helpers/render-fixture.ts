// Builds a render directory (DIR/<runlevel>/<release>/*.yaml + DIR/index.json) from one
// helm-style manifest, through the render stage's own splitter and writer, so check reads
// exactly the layout `runlevel template --out` writes. Header comments of a case file:
//   # release: <runlevel>/<release> <namespace>   (default 90-apps/team-a-web team-a)
//   # values: {json merged into the cluster's settings}
//   # args: extra CLI arguments
//   # chart: the release's chart, relative to the core (default charts/fixture, which does not exist)
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { type RenderedRelease, writeRender } from '../../core/render/index.js';
import { clusterScopedKinds, splitManifest } from '../../core/render/manifests.js';
import { fixture } from './fixture.js';

export interface CheckCase {
  name: string;
  manifest: string;
  runlevel: string;
  release: string;
  namespace: string;
  values: Record<string, unknown>;
  args: string[];
  chart: string;
}

export function readCase(file: string): CheckCase {
  const text = readFileSync(file, 'utf8');
  const header = (key: string) => new RegExp(`^# ${key}: (.+)$`, 'm').exec(text)?.[1]?.trim();
  const [where = '90-apps/team-a-web', namespace = 'team-a'] = (header('release') ?? '')
    .split(' ')
    .filter(Boolean);
  const [runlevel = '90-apps', release = 'team-a-web'] = where.split('/');
  return {
    name: file.replace(/^.*\//, '').replace(/\.yaml$/, ''),
    manifest: text,
    runlevel,
    release,
    namespace,
    values: JSON.parse(header('values') ?? '{}') as Record<string, unknown>,
    args: (header('args') ?? '').split(' ').filter(Boolean),
    chart: header('chart') ?? 'charts/fixture',
  };
}

export async function renderFixture(
  c: Pick<CheckCase, 'manifest' | 'runlevel' | 'release' | 'namespace'> & { chart?: string },
): Promise<string> {
  const root = await fixture({});
  const dir = join(root, 'render');
  const namespaceOf = (apiVersion: string, kind: string, declared: string | undefined) =>
    clusterScopedKinds.has(kind) || apiVersion.startsWith('constraints.gatekeeper.sh/')
      ? undefined
      : (declared ?? c.namespace);
  const { files, objects } = splitManifest(c.manifest, `${c.runlevel}/${c.release}`, namespaceOf);
  const release: RenderedRelease = {
    runlevel: c.runlevel,
    name: c.release,
    namespace: c.namespace,
    chart: { name: 'fixture', version: '0.1.0', path: c.chart ?? 'charts/fixture' },
    labels: { runlevel: c.runlevel },
    needs: [],
    values: {},
    valuesDigest: '',
    inputDigest: '',
    manifestDigest: '',
    manifest: c.manifest,
    files,
    objects,
  };
  await writeRender({ runlevels: [], releases: [release] }, dir, { cluster: 'dev' });
  return dir;
}

/** A values repo with one cluster `dev` (domain dev.example.com), team `a`, and the case's settings on top. */
export async function valuesRepo(settings: Record<string, unknown>): Promise<string> {
  const base = {
    cluster: { domain: 'dev.example.com' },
    platform: { sso: { enabled: false }, ...((settings.platform as object) ?? {}) },
  };
  return fixture({
    'runlevel.yaml': 'core: "0.1.0"\nclusters:\n  dev:\n    environment: dev\ncontract: 2\n',
    'clusters/dev/settings.yaml': JSON.stringify({ ...settings, ...base }),
    'common/teams/a.yaml': 'members:\n  - name: alice@example.com\n    role: admin\n',
  });
}
