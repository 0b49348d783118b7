// helm's and helmfile's error text → our Problems: which file and line, with a code frame, and
// the message trimmed to what a person needs.
import { existsSync, readFileSync } from 'node:fs';
import { join, relative } from 'node:path';
import type { Problem } from '../shared/errors.js';
import { trimStderr } from '../shared/exec.js';
import { coreRoot } from '../shared/paths.js';
import { codeFrame } from '../shared/source.js';
import { explainViolation } from './chart-schema.js';
import type { RunlevelFile } from './runlevels.js';

/** One failed schema check of a chart's values.schema.json: JSON pointer into the chart values. */
export interface SchemaViolation {
  pointer: string;
  message: string;
}

export type HelmFailure =
  | { kind: 'schema'; chart: string; violations: SchemaViolation[] }
  | { kind: 'template'; problem: Problem; template: string | undefined }
  | { kind: 'chart'; problem: Problem }
  | { kind: 'other'; message: string };

/** Classify `helm template` stderr. chartDir maps `<chart>/templates/x` to the file in the checkout. */
export function parseHelmError(stderr: string, chartDir: string): HelmFailure {
  const text = stderr.replace(/\r\n/g, '\n');
  const schema =
    /values don't meet the specifications of the schema\(s\)[^\n]*\n([^\n:]+):\n((?:[ \t]*- at [^\n]*\n?)+)/.exec(
      text,
    );
  if (schema?.[1] && schema[2]) {
    const violations: SchemaViolation[] = [];
    for (const line of schema[2].split('\n')) {
      // Nested lines (indented) explain an anyOf/oneOf; keep them, they say what was expected.
      const m = /^\s*- at '([^']*)': (.*)$/.exec(line);
      if (m && m[1] !== undefined && m[2])
        violations.push({ pointer: m[1], message: explainViolation(chartDir, m[1], m[2]) });
    }
    return { kind: 'schema', chart: schema[1].trim(), violations: dedupe(violations) };
  }
  const chart = chartYamlProblem(text, chartDir);
  if (chart) return { kind: 'chart', problem: chart };
  const located =
    /execution error at \(([^:()]+):(\d+):(\d+)\): (.*)/.exec(text) ??
    /template: ([^:\s]+):(\d+):(\d+): executing "[^"]*" at <(?:[^>]*)>: (.*)/.exec(text) ??
    /parse error at \(([^:()]+):(\d+)\)(): (.*)/.exec(text) ??
    /template: ([^:\s]+):(\d+)(): (.*)/.exec(text);
  if (located?.[1] && located[2] && located[4]) {
    const file = templateFile(located[1], chartDir);
    const line = Number(located[2]);
    const col = Number(located[3] || 1);
    return {
      kind: 'template',
      template: located[1],
      problem: {
        message: cleanMessage(located[4]),
        where: { file: file.shown, line, col },
        frame: frameOf(file.abs, line, col),
      },
    };
  }
  const yamlError = /YAML parse error on ([^:\s]+): (?:error converting YAML to JSON: )?(.*)/.exec(text);
  if (yamlError?.[1] && yamlError[2]) {
    const file = templateFile(yamlError[1], chartDir);
    return {
      kind: 'template',
      template: yamlError[1],
      problem: {
        message: `renders invalid YAML: ${yamlError[2]} (line of the rendered output)`,
        where: { file: file.shown, line: 1, col: 1 },
        hint: 'the template indents or quotes a value wrongly; `helm template --debug` shows the rendered text',
      },
    };
  }
  return { kind: 'other', message: trimStderr(text.replace(/^Use --debug flag.*$/m, '')) };
}

/** A Chart.yaml helm cannot load or finds incomplete, at its line (helm names only the release). */
function chartYamlProblem(text: string, chartDir: string): Problem | undefined {
  const load =
    /cannot load Chart\.yaml: (?:error converting YAML to JSON: )?(?:yaml: )?(?:line (\d+): )?(.*)/.exec(
      text,
    );
  const invalid = /validation: (chart\.metadata\.[^\n]*)/.exec(text);
  const message = load ? `invalid YAML: ${load[2]}` : invalid?.[1];
  if (!message) return undefined;
  const file = join(chartDir, 'Chart.yaml');
  const line = Number(load?.[1] ?? 1);
  return {
    message,
    where: { file: relative(coreRoot, file), line, col: 1 },
    frame: frameOf(file, line, 1),
    hint: 'Chart.yaml needs apiVersion, name and version; https://helm.sh/docs/topics/charts/#the-chartyaml-file',
  };
}

/** helmfile's "in <file>: error during <file>.part.N parsing: template: stringTemplate:L:C: …". */
export function helmfileProblem(stderr: string, runlevels: readonly RunlevelFile[]): Problem {
  const text = stderr.replace(/\r\n/g, '\n');
  const m = /in ([^:\n]+): (.*)/.exec(text);
  const runlevel = runlevels.find((r) => r.file === m?.[1]);
  const message = cleanMessage(m?.[2] ?? trimStderr(text));
  if (!m || !runlevel) return { message };
  const shown = relative(coreRoot, runlevel.file);
  const source = readFileSync(runlevel.file, 'utf8').replace(/\r\n/g, '\n');
  const part = Number(/\.part\.(\d+) parsing/.exec(message)?.[1] ?? 0);
  const at = /stringTemplate:(\d+)(?::(\d+))?/.exec(message);
  if (!at?.[1]) return { message: stripHelmfileNoise(message), where: { file: shown, line: 1, col: 1 } };
  const line = partStartLine(source, part) + Number(at[1]) - 1;
  const col = Number(at[2] ?? 1);
  return {
    message: stripHelmfileNoise(message),
    where: { file: shown, line, col },
    frame: codeFrame(source, line, col),
  };
}

/** 1-based line where part N of a helmfile state file starts (parts are split on "\n---\n"). */
export function partStartLine(source: string, part: number): number {
  let line = 1;
  let from = 0;
  for (let i = 0; i < part; i++) {
    const at = source.indexOf('\n---\n', from);
    if (at < 0) break;
    line += source.slice(from, at + 5).split('\n').length - 1;
    from = at + 5;
  }
  return line;
}

function stripHelmfileNoise(message: string): string {
  return message
    .replace(/^error during \S+ parsing: /, '')
    .replace(/template: stringTemplate:\d+(:\d+)?: /, '')
    .replace(/executing "stringTemplate" at <[^>]*>: /, '')
    .replace(/error calling fail: /, '');
}

function cleanMessage(message: string): string {
  return message.replace(/^error calling (fail|required): /, '').trim();
}

function templateFile(source: string, chartDir: string): { abs: string; shown: string } {
  // helm names files <chart name>/<path in chart>; the chart's directory may be named otherwise.
  const inChart = source.split('/').slice(1).join('/');
  const abs = join(chartDir, inChart);
  return { abs, shown: relative(coreRoot, abs) };
}

function frameOf(file: string, line: number, col: number): string | undefined {
  if (!existsSync(file)) return undefined;
  return codeFrame(readFileSync(file, 'utf8'), line, col);
}

function dedupe(v: SchemaViolation[]): SchemaViolation[] {
  const seen = new Set<string>();
  return v.filter((x) => {
    const key = `${x.pointer}\u0000${x.message}`;
    if (seen.has(key)) return false;
    seen.add(key);
    return true;
  });
}
