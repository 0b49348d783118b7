// The pinned helm CLI spawned once per call: how runlevel ran helm before the engine, kept as the
// reference the engine is compared with (test/integration/render/engine-parity.test.ts) and for
// tests that read a cluster the way a user's `helm` does.
import { join } from 'node:path';
import { ToolError } from '../../core/shared/errors.js';
import { run, trimStderr } from '../../core/shared/exec.js';
import { ExitCode } from '../../core/shared/exit-codes.js';
import type { Capabilities, Helm, HelmRelease } from '../../core/shared/helm.js';
import { coreRoot } from '../../core/shared/paths.js';

export function helmTemplateArgs(rel: {
  name: string;
  namespace: string;
  chartDir: string;
  capabilities?: Capabilities;
}): string[] {
  const args = ['template', rel.name, rel.chartDir, '--namespace', rel.namespace, '--values', '-'];
  const caps = rel.capabilities;
  if (caps) args.push('--kube-version', caps.kubeVersion);
  if (caps && caps.apiVersions.length > 0) args.push('--api-versions', caps.apiVersions.join(','));
  return args;
}

/**
 * The values as helm reads them on stdin, the same bytes for `template` and `upgrade`: JSON is
 * YAML, and helm reads JSON strings as strings, where a YAML serialiser may write `on`, `yes` or
 * `0755` plain and helm's YAML 1.1 reader turns them into a boolean or a number.
 */
export function helmValuesInput(values: Record<string, unknown>): string {
  return JSON.stringify(values);
}

/**
 * The pinned helm. `kubeconfig` only when the user named a file: without it helm reads KUBECONFIG
 * itself, a list included, the way kubectl does.
 */
export function pinnedHelm(opts: { kubeconfig?: string } = {}): Helm {
  const kube = opts.kubeconfig ? ['--kubeconfig', opts.kubeconfig] : [];
  return {
    async template(rel) {
      if (rel.postRender)
        throw new Error('the spawned helm reference cannot run an in-process post-renderer');
      const r = await run('helm', helmTemplateArgs(rel), {
        input: helmValuesInput(rel.values),
        reject: false,
        timeoutMs: 120_000,
      });
      return r.failed ? { ok: false, stderr: String(r.stderr) } : { ok: true, manifest: String(r.stdout) };
    },

    async upgrade(release, timeoutMs) {
      const args = ['upgrade', '--install', release.name, join(coreRoot, release.chartPath)];
      args.push(
        '--namespace',
        release.namespace,
        '--create-namespace',
        '--values',
        '-',
        '--history-max',
        '10',
      );
      args.push('--timeout', `${Math.ceil(timeoutMs / 1000)}s`, ...kube);
      // check already validated every object against the API server's own OpenAPI schemas; helm's
      // second validation fetches and parses the whole OpenAPI document per release (~60% of helm's CPU).
      args.push('--output', 'json', '--disable-openapi-validation');
      // helm's CLI can only run a program as its post-renderer; the core's is a function in its
      // own process, which only the engine can call (test/helpers/post-render-program.ts is the
      // program form of the image rewrite, for tests that hold the two against each other).
      if (release.postRender)
        throw new Error('the spawned helm reference cannot run an in-process post-renderer');
      // Values can carry decrypted secrets: on stdin, they never touch disk. No --wait: the
      // deploy's own readiness gate waits per runlevel, for all releases at once.
      const r = await run('helm', args, {
        input: helmValuesInput(release.values),
        reject: false,
        timeoutMs,
        uninterruptible: true,
      });
      if (r.failed) throw helmFailure('upgrade', release.name, r);
      return (JSON.parse(String(r.stdout)) as { version: number }).version;
    },

    async rollback(name, namespace, revision) {
      const r = await run('helm', ['rollback', name, String(revision), '--namespace', namespace, ...kube], {
        reject: false,
        uninterruptible: true,
        timeoutMs: 120_000,
      });
      if (r.failed) throw helmFailure('rollback', name, r);
    },

    async uninstall(name, namespace) {
      const args = ['uninstall', name, '--namespace', namespace, '--ignore-not-found', ...kube];
      const r = await run('helm', args, { reject: false, uninterruptible: true, timeoutMs: 120_000 });
      if (r.failed) throw helmFailure('uninstall', name, r);
    },

    async list() {
      const args = ['list', '--all-namespaces', '--all', '--output', 'json', '--max', '0', ...kube];
      const r = await run('helm', args, { exitCode: ExitCode.deployFailed, timeoutMs: 60_000 });
      const rows = JSON.parse(String(r.stdout) || '[]') as (Omit<HelmRelease, 'revision'> & {
        revision: string;
      })[];
      return rows.map((x) => ({
        name: x.name,
        namespace: x.namespace,
        revision: Number(x.revision),
        status: x.status,
        chart: x.chart,
      }));
    },

    async getManifest(name, namespace) {
      // The manifest and the hooks: helm stores hooks apart from the manifest, and a diff against
      // the manifest alone would show every hook as added on every upgrade.
      const args = ['get', 'all', name, '--namespace', namespace, '--template', manifestWithHooks, ...kube];
      const r = await run('helm', args, {
        reject: false,
        timeoutMs: 60_000,
      });
      if (!r.failed) return String(r.stdout);
      if (/release: not found/i.test(String(r.stderr ?? ''))) return undefined;
      throw helmFailure('get manifest', name, r);
    },
  };
}

const manifestWithHooks =
  '{{ .Release.Manifest }}{{ range .Release.Hooks }}\n---\n# Source: {{ .Path }}\n{{ .Manifest }}\n{{ end }}';

function helmFailure(
  verb: string,
  name: string,
  r: { stderr: unknown; exitCode?: number; timedOut?: boolean; isCanceled?: boolean },
): ToolError {
  const why = r.timedOut
    ? 'timed out'
    : r.isCanceled
      ? 'was cancelled'
      : trimStderr(String(r.stderr ?? '')) || `exit ${r.exitCode}`;
  return new ToolError(`helm ${verb} ${name} failed: ${why}`, { exitCode: ExitCode.deployFailed });
}
