// bench/check: `runlevel check` on a 10,000-object render against the naive way a user would wire
// the same tools: kubeconform and `opa eval` once per rendered file. The naive run is timed on a
// sample of files and scaled to all files (spawning ~2 processes per file for thousands of files
// takes minutes; the per-file cost is flat, so the scaling is linear).
//   node dist/bench/check/run.js [--objects 10000] [--sample 200] [--runs 3] [--write-docs]
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { availableParallelism, cpus, loadavg, tmpdir } from 'node:os';
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import { execa } from 'execa';
import { parseAllDocuments } from 'yaml';
import { policySettings } from '../../core/check/settings.js';
import type { RenderIndex } from '../../core/render/index.js';
import { coreRoot } from '../../core/shared/paths.js';
import { findTool } from '../../core/shared/tools.js';
import { resolveValues } from '../../core/values/index.js';
import { growRender } from './generate.js';

const { values: args } = parseArgs({
  options: {
    objects: { type: 'string', default: '10000' },
    sample: { type: 'string', default: '200' },
    runs: { type: 'string', default: '3' },
    'write-docs': { type: 'boolean', default: false },
  },
});
const valuesDir = join(coreRoot, 'test/fixtures/values/large');
const cluster = 'prod-eu';
const cli = join(coreRoot, 'bin/runlevel');
const work = mkdtempSync(join(tmpdir(), 'runlevel-bench-check-'));
const env = { NO_COLOR: '1', RUNLEVEL_LOG_FORMAT: 'plain' };

async function timed<T>(fn: () => Promise<T>): Promise<[number, T]> {
  const t = process.hrtime.bigint();
  const r = await fn();
  return [Number(process.hrtime.bigint() - t) / 1e9, r];
}
const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)] as number;

try {
  await execa(cli, ['template', '--values', valuesDir, '--cluster', cluster, '--out', join(work, 'base')], {
    env,
  });
  const dir = join(work, 'render');
  const grown = growRender(join(work, 'base'), dir, Number(args.objects));
  console.error(
    `render: ${grown.objects} objects in ${grown.files} files (${grown.copies} copies of the teams and apps)`,
  );

  const load = loadavg()[0] ?? 0;
  const runs: number[] = [];
  const cpuRuns: number[] = [];
  let report = '';
  for (let i = 0; i < Number(args.runs); i++) {
    // GNU time adds the CPU time of runlevel and of the opa and kubeconform it runs.
    const [s, r] = await timed(() =>
      execa(
        '/usr/bin/time',
        [
          '-f',
          'cpu %U %S',
          cli,
          'check',
          '--values',
          valuesDir,
          '--cluster',
          cluster,
          '--dir',
          dir,
          '-o',
          'json',
        ],
        {
          env,
          reject: false,
        },
      ),
    );
    if (r.exitCode !== 0) throw new Error(`runlevel check exited ${r.exitCode}: ${r.stderr}`);
    runs.push(s);
    const cpu = /cpu ([\d.]+) ([\d.]+)/.exec(String(r.stderr));
    cpuRuns.push(Number(cpu?.[1] ?? 0) + Number(cpu?.[2] ?? 0));
    report = String(r.stdout);
  }
  const checked = (JSON.parse(report) as { objects: number }).objects;

  // Naive: per rendered file, kubeconform on the file and opa eval on its objects.
  const index = JSON.parse(readFileSync(join(dir, 'index.json'), 'utf8')) as RenderIndex;
  const files = [...new Set(index.releases.flatMap((r) => r.objects.map((o) => o.file)))];
  const sample = files.slice(0, Number(args.sample));
  const kubeconform = findTool('kubeconform') as string;
  const opa = findTool('opa') as string;
  const schemaLoc = `${join(coreRoot, 'schemas/k8s/v1.35')}/{{ .ResourceKind }}{{ .KindSuffix }}.json`;
  const settings = policySettings((await resolveValues({ valuesDir, cluster })).values);
  const [naiveSample] = await timed(async () => {
    for (const f of sample) {
      await execa(
        kubeconform,
        [
          '-strict',
          '-output',
          'json',
          '-ignore-missing-schemas',
          '-schema-location',
          schemaLoc,
          join(dir, f),
        ],
        { reject: false },
      );
      const objects = parseAllDocuments(readFileSync(join(dir, f), 'utf8'))
        .map((d) => d.toJS())
        .filter(Boolean);
      await execa(
        opa,
        [
          'eval',
          '--data',
          join(coreRoot, 'policies'),
          '--ignore',
          '*_test.rego',
          '--stdin-input',
          '--format',
          'json',
          'data.runlevel.check.findings',
        ],
        {
          input: JSON.stringify({ objects, policies: settings }),
          reject: false,
        },
      );
    }
  });
  const naive = (naiveSample / sample.length) * files.length;
  const cpu = `${cpus()[0]?.model.trim() ?? 'cpu'} × ${availableParallelism()}`;
  const check = median(runs);
  const table = `${checked} objects in ${files.length} rendered files (the \`large\` fixture's render, its teams and apps copied ${grown.copies} times), ${cpu}, load average ${load.toFixed(1)} at the start, ${new Date().toISOString().slice(0, 10)}:

| | wall | CPU user+sys |
|---|---:|---:|
| \`runlevel check --dir\` (values + schemas + policies, incl. node start), median of ${runs.length} | **${check.toFixed(2)} s** | ${median(cpuRuns).toFixed(2)} s |
| naive: kubeconform + \`opa eval\` once per file (${sample.length} files timed, scaled to ${files.length}) | ${naive.toFixed(0)} s | |
| naive ÷ runlevel | ${(naive / check).toFixed(0)}× | |

Runs: ${runs.map((r) => r.toFixed(2)).join(' s, ')} s. Target: under 5 s for 10,000 objects.

Reproduce: \`npx tsc -p . && node dist/bench/check/run.js --objects 10000 --runs 3 --sample 100 --write-docs\``;
  console.log(table);
  if (args['write-docs']) writeSection(table);
} finally {
  rmSync(work, { recursive: true, force: true });
}

/** Replace the check section of docs/benchmarks.md (between its markers), or append it. */
function writeSection(body: string): void {
  const file = join(coreRoot, 'docs/benchmarks.md');
  const text = readFileSync(file, 'utf8');
  const section = `<!-- check:start (written by bench/check; do not edit by hand) -->
## check

\`runlevel check\` on a large render: Kubernetes schemas (kubeconform, strict, schemas generated
from the pinned kube-apiserver) and the seven Rego policies (one \`opa eval\` over all objects),
against running the same two tools once per rendered file as a CI script would.

${body}
<!-- check:end -->`;
  const re = /<!-- check:start[\s\S]*?<!-- check:end -->/;
  writeFileSync(file, re.test(text) ? text.replace(re, section) : `${text.trimEnd()}\n\n${section}\n`);
}
