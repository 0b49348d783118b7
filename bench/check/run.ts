// bench/check: `runlevel check` on a 10,000-object render against the naive way a user would wire
// the same tools: kubeconform and `opa eval` once per rendered file. The naive run is timed on a
// sample of files and scaled to all files (spawning ~2 processes per file for thousands of files
// takes minutes; the per-file cost is flat, so the scaling is linear).
//   node dist/bench/check/run.js [--objects 10000] [--sample 200] [--runs 3]
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { availableParallelism, cpus, tmpdir } from 'node:os';
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import { execa } from 'execa';
import { parseAllDocuments } from 'yaml';
import { policySettings } from '../../core/check/settings.js';
import type { RenderIndex } from '../../core/render/index.js';
import { coreRoot } from '../../core/shared/paths.js';
import { findTool } from '../../core/shared/tools.js';
import { growRender } from './generate.js';

const { values: args } = parseArgs({
  options: {
    objects: { type: 'string', default: '10000' },
    sample: { type: 'string', default: '200' },
    runs: { type: 'string', default: '3' },
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

  const runs: number[] = [];
  let report = '';
  for (let i = 0; i < Number(args.runs); i++) {
    const [s, r] = await timed(() =>
      execa(cli, ['check', '--values', valuesDir, '--cluster', cluster, '--dir', dir, '-o', 'json'], {
        env,
        reject: false,
      }),
    );
    if (r.exitCode !== 0) throw new Error(`runlevel check exited ${r.exitCode}: ${r.stderr}`);
    runs.push(s);
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
  const settings = policySettings({ cluster: { domain: 'prod.example.com' } });
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
  console.log(`| what | wall time |
|---|---|
| \`runlevel check --dir\` (${checked} objects, ${files.length} files), median of ${runs.length} | **${check.toFixed(2)} s** |
| naive: kubeconform + \`opa eval\` per file (${sample.length} files timed, scaled to ${files.length}) | ${naive.toFixed(1)} s |
| speed-up | ${(naive / check).toFixed(0)}× |

Runs: ${runs.map((r) => r.toFixed(2)).join(' s, ')} s. Machine: ${cpu}. Target: under 5 s for 10,000 objects.`);
} finally {
  rmSync(work, { recursive: true, force: true });
}
