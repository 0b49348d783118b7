// helmfile behind a narrow interface: one `helmfile build --embed-values` over helmfile.d turns
// the state values into the planned releases (name, namespace, chart, labels, values documents).
// Rendering itself is done per release by helm (see helm.ts), in parallel.

import { createHash } from 'node:crypto';
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { basename, dirname, isAbsolute, join, relative, resolve } from 'node:path';
import { UserError } from '../shared/errors.js';
import { run, shortLivedGo } from '../shared/exec.js';
import { ExitCode } from '../shared/exit-codes.js';
import { coreRoot } from '../shared/paths.js';
import { codeFrame, lineColAt } from '../shared/source.js';
import { findTool } from '../shared/tools.js';
import { loadDocuments } from '../shared/yaml/objects.js';
import { helmfileProblem } from './errors.js';
import { listRunlevels, type RunlevelFile } from './runlevels.js';
import { type StateValues, stateValuesArgs } from './state-values.js';

export interface PlannedRelease {
  runlevel: string; // 00-init: the runlevel file it comes from
  file: string; // absolute path of that runlevel file
  name: string;
  namespace: string;
  chartDir: string; // absolute path of the local chart
  chartRef: string; // the chart as the runlevel file names it
  labels: Record<string, string>;
  installed: boolean;
  values: unknown[]; // values documents in helmfile's order; later ones win
  needs: string[]; // helmfile `needs`: [namespace/]name of releases to deploy first
}

export function helmfileArgs(dir: string, state: readonly string[] = stateValuesArgs): string[] {
  // helmfile runs its helm binary only to ask its version; the helm engine (helm's SDK at the
  // same pin) answers it, so the image needs no helm binary of its own.
  const helm = findTool('helm-engine');
  return ['--file', dir, ...state, ...(helm ? ['--helm-binary', helm] : []), 'build', '--embed-values'];
}

/**
 * Every release of the given runlevel files. With the values in an in-memory file (state-values.ts)
 * one helmfile process plans the whole helmfile.d (one process and one `helm version` per command
 * instead of one each per runlevel file); on standard input, which helmfile can read only once per
 * process, file by file.
 */
export async function planReleases(
  runlevels: readonly RunlevelFile[],
  state: StateValues,
): Promise<PlannedRelease[]> {
  const first = runlevels[0];
  if (!first || !state.memory || runlevels.length === 1) {
    return (await Promise.all(runlevels.map((r) => planRunlevel(r, state)))).flat();
  }
  const dir = dirname(first.file);
  const all = listRunlevels(dir);
  const key = planKey(all, state);
  const known = plans.get(key);
  const planned = known ? structuredClone(known) : await planDirectory(dir, all, state.memory.path);
  if (!known) remember(key, planned);
  const wanted = new Set(runlevels.map((r) => r.name));
  return planned.filter((r) => wanted.has(r.runlevel));
}

async function planDirectory(dir: string, all: RunlevelFile[], path: string): Promise<PlannedRelease[]> {
  const r = await run('helmfile', helmfileArgs(dir, ['--state-values-file', path]), {
    reject: false,
    timeoutMs: 120_000,
    env: shortLivedGo,
  });
  if (r.failed && /no releases found that matches/.test(String(r.stderr))) return [];
  if (r.failed) throw planError(String(r.stderr || r.stdout), all);
  return parseBuild(String(r.stdout), all);
}

function remember(key: string, planned: PlannedRelease[]): void {
  plans.set(key, structuredClone(planned));
  if (plans.size > keepPlans) plans.delete(plans.keys().next().value as string);
}

/**
 * Plans already made in this process, by everything helmfile reads: the runlevel file, the files
 * beside it (bases/) and the state values (the helmfile binary is the process's own). A second render with the same
 * input (the releases outside a --selector, the agent's next pass) plans without a process; any
 * change to any input is a new key, so a plan is never reused for other input.
 */
const plans = new Map<string, PlannedRelease[]>();
const keepPlans = 64;

function planKey(runlevels: readonly RunlevelFile[], state: StateValues): string {
  const h = createHash('sha256');
  for (const r of runlevels) h.update(`${r.file}\0`);
  for (const file of filesUnder(dirname(runlevels[0]?.file ?? '.')))
    h.update(`${file}\0`).update(readFileSync(file)).update('\0');
  return h.update(state.json).digest('hex');
}

function filesUnder(dir: string): string[] {
  return readdirSync(dir, { recursive: true, withFileTypes: true })
    .filter((e) => e.isFile())
    .map((e) => join(e.parentPath, e.name))
    .sort();
}

/** The releases of one runlevel file: one helmfile process, so runlevels plan side by side. */
export async function planRunlevel(runlevel: RunlevelFile, state: StateValues): Promise<PlannedRelease[]> {
  const key = planKey([runlevel], state);
  const known = plans.get(key);
  // A copy: the render merges these values documents into each release's values.
  if (known) return structuredClone(known);
  const planned = await planWithHelmfile(runlevel, state);
  remember(key, planned);
  return planned;
}

async function planWithHelmfile(runlevel: RunlevelFile, state: StateValues): Promise<PlannedRelease[]> {
  const r = await run('helmfile', helmfileArgs(runlevel.file), {
    reject: false,
    timeoutMs: 120_000,
    input: state.json,
    stdinAsPipe: true,
    env: shortLivedGo,
  });
  // A runlevel with nothing enabled (no teams list an app, say) is empty, not broken: helmfile
  // reports it as an error, runlevel plans it as no releases.
  if (r.failed && /no releases found that matches/.test(String(r.stderr))) return [];
  if (r.failed) throw planError(String(r.stderr || r.stdout), [runlevel]);
  return parseBuild(String(r.stdout), [runlevel]);
}

function planError(stderr: string, runlevels: readonly RunlevelFile[]): UserError {
  return new UserError('helmfile could not plan the releases', {
    exitCode: ExitCode.renderFailed,
    problems: [helmfileProblem(stderr, runlevels)],
    hint: 'fix the runlevel file (or the values it reads) named above',
  });
}

/** The multi-document output of `helmfile build --embed-values` → planned releases. */
export function parseBuild(stdout: string, runlevels: readonly RunlevelFile[]): PlannedRelease[] {
  const byFile = new Map(runlevels.map((r) => [r.file, r]));
  const releases: PlannedRelease[] = [];
  const seenFiles = new Set<string>();
  for (const doc of loadDocuments(stdout)) {
    const state = doc as BuiltState | null;
    if (!state?.filepath) continue;
    // helmfile reports an absolute path for a directory and the bare name for a single file.
    const runlevel = isAbsolute(state.filepath)
      ? byFile.get(state.filepath)
      : runlevels.find((r) => basename(r.file) === state.filepath);
    if (!runlevel) continue; // a base pulled in by a runlevel file, not a runlevel itself
    const file = runlevel.file;
    seenFiles.add(file);
    for (const rel of state.releases ?? []) {
      if (!rel.chart) throw releaseError(runlevel, rel.name, 'declares no chart');
      const chartDir = resolve(dirname(file), rel.chart);
      releases.push({
        runlevel: runlevel.name,
        file,
        name: rel.name,
        namespace: rel.namespace ?? 'default',
        chartDir,
        chartRef: rel.chart,
        labels: stringLabels({ ...state.commonLabels, ...rel.labels }),
        installed: rel.installed !== false,
        values: (rel.values ?? []).filter((v) => v !== null && typeof v === 'object'),
        needs: (rel.needs ?? []).map(String),
      });
    }
  }
  const missing = runlevels.filter((r) => !seenFiles.has(r.file));
  if (missing.length > 0) {
    // Never present a partial render as complete: every runlevel file must have been planned.
    throw new UserError(`helmfile did not plan ${missing.map((m) => m.name).join(', ')}`, {
      exitCode: ExitCode.renderFailed,
      hint: 'run `helmfile -f helmfile.d build` to see what it made of these files',
    });
  }
  for (const rel of releases) {
    if (rel.installed && !existsSync(resolve(rel.chartDir, 'Chart.yaml'))) {
      throw releaseError(
        runlevels.find((r) => r.name === rel.runlevel) as RunlevelFile,
        rel.name,
        `uses chart ${relative(coreRoot, rel.chartDir)}, which does not exist (no Chart.yaml)`,
        `chart: ${rel.chartRef}`,
      );
    }
  }
  return releases.sort((a, b) => a.runlevel.localeCompare(b.runlevel) || a.name.localeCompare(b.name));
}

interface BuiltState {
  filepath?: string;
  commonLabels?: Record<string, unknown>;
  releases?: {
    name: string;
    namespace?: string;
    chart?: string;
    installed?: boolean;
    labels?: Record<string, unknown>;
    values?: unknown[];
    needs?: string[];
  }[];
}

function stringLabels(labels: Record<string, unknown>): Record<string, string> {
  const out: Record<string, string> = {};
  for (const k of Object.keys(labels).sort()) out[k] = String(labels[k]);
  return out;
}

function releaseError(
  runlevel: RunlevelFile,
  release: string,
  what: string,
  needle = 'releases:',
): UserError {
  const text = readFileSync(runlevel.file, 'utf8');
  const index = Math.max(0, text.indexOf(needle));
  const { line, col } = lineColAt(text, index);
  return new UserError(`release ${release} in runlevel ${runlevel.name} ${what}`, {
    exitCode: ExitCode.renderFailed,
    problems: [
      {
        message: what,
        where: { file: relative(coreRoot, runlevel.file), line, col },
        frame: codeFrame(text, line, col),
      },
    ],
    hint: "charts are vendored in charts/: check the release's chart: path in the runlevel file",
  });
}
