// A recording fake of the Helm interface (core/shared/helm.ts): releases live in a map, every
// call is written to a journal the test reads, and failures are switched on by release name.
// It proves what the engines ask helm to do; the e2e tier proves the real helm does it.
import type {
  Helm,
  HelmRelease,
  TemplateRequest,
  TemplateResult,
  UpgradeRequest,
} from '../../core/shared/helm.js';

const key = (r: { namespace: string; name: string }) => `${r.namespace}/${r.name}`;

export class FakeHelm implements Helm {
  /** `upgrade ns/name`, `rollback ns/name 3`, `uninstall ns/name`, `list`, … in call order. */
  readonly journal: string[];
  readonly releases = new Map<string, HelmRelease>();
  /** Release names whose upgrade fails (helm leaves them `failed`, as the real one does). */
  readonly failUpgrade = new Set<string>();
  readonly failUninstall = new Set<string>();
  readonly failRollback = new Set<string>();
  /** Runs inside each upgrade, before it returns: a test's way to act mid-deploy. */
  onUpgrade?: (name: string) => void;
  /** What template returns for a release name (default: a ConfigMap named after it). */
  templates = new Map<string, TemplateResult>();

  constructor(journal: string[] = []) {
    this.journal = journal;
  }

  async template(r: TemplateRequest): Promise<TemplateResult> {
    this.journal.push(`template ${key(r)}`);
    return (
      this.templates.get(r.name) ?? {
        ok: true,
        manifest: `---\napiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: ${r.name}\n`,
      }
    );
  }

  async upgrade(r: UpgradeRequest): Promise<number> {
    this.journal.push(`upgrade ${key(r)}`);
    const previous = this.releases.get(key(r));
    const revision = (previous?.revision ?? 0) + 1;
    const failed = this.failUpgrade.has(r.name);
    this.releases.set(key(r), {
      name: r.name,
      namespace: r.namespace,
      revision,
      status: failed ? 'failed' : 'deployed',
      chart: r.chartPath.split('/').pop() ?? '',
    });
    this.onUpgrade?.(r.name);
    if (failed) throw new Error(`helm upgrade ${r.name} failed: boom`);
    return revision;
  }

  async rollback(name: string, namespace: string, revision: number): Promise<void> {
    this.journal.push(`rollback ${namespace}/${name} ${revision}`);
    if (this.failRollback.has(name)) throw new Error(`helm rollback ${name} failed: boom`);
    const current = this.releases.get(`${namespace}/${name}`);
    if (!current) throw new Error(`helm rollback ${name} failed: release: not found`);
    this.releases.set(`${namespace}/${name}`, {
      ...current,
      revision: current.revision + 1,
      status: 'deployed',
    });
  }

  async uninstall(name: string, namespace: string): Promise<void> {
    this.journal.push(`uninstall ${namespace}/${name}`);
    if (this.failUninstall.has(name)) throw new Error(`helm uninstall ${name} failed: boom`);
    this.releases.delete(`${namespace}/${name}`);
  }

  async list(): Promise<HelmRelease[]> {
    this.journal.push('list');
    return [...this.releases.values()].map((r) => ({ ...r }));
  }

  async getManifest(name: string, namespace: string): Promise<string | undefined> {
    this.journal.push(`get manifest ${namespace}/${name}`);
    return this.releases.has(`${namespace}/${name}`) ? '' : undefined;
  }

  /** The journal entries of one kind (`upgrade`, `uninstall`, …), in order. */
  calls(kind: string): string[] {
    return this.journal.filter((j) => j.startsWith(`${kind} `)).map((j) => j.slice(kind.length + 1));
  }
}
