// The report: text for people (grouped by file, a line per finding with its hint), JSON for CI.
// Errors fail the check (exit 4); warnings fail it only with --strict. Excepted findings are listed
// after the rest with the exception that covers them, and fail nothing.
import { ExitCode } from '../shared/exit-codes.js';
import type { CheckReport, Finding } from './findings.js';

export function formatText(
  report: CheckReport,
  paint: (c: 'red' | 'yellow' | 'dim' | 'bold', s: string) => string = (_, s) => s,
): string {
  const lines: string[] = [];
  for (const f of report.findings) {
    const mark = f.severity === 'error' ? paint('red', '✗') : paint('yellow', '⚠');
    lines.push(
      `${mark} ${paint('bold', `${f.file}:${f.line}`)}  ${f.rule}  ${objectName(f)}  (release ${f.runlevel}/${f.release})`,
    );
    lines.push(`    ${f.message}`);
    if (f.hint) lines.push(`    ${paint('dim', `hint: ${f.hint}`)}`);
    if (f.except) lines.push(`    ${paint('dim', `or except it: ${exceptionText(f.except)}`)}`);
  }
  for (const f of report.excepted) {
    lines.push(
      `${paint('dim', '○')} ${paint('bold', `${f.file}:${f.line}`)}  ${f.rule}  ${objectName(f)}  (release ${f.runlevel}/${f.release})  excepted`,
    );
    lines.push(`    ${f.message}`);
    for (const e of f.exceptedBy ?? [])
      lines.push(`    ${paint('dim', `excepted by ${e.key}: ${e.reason}`)}`);
  }
  lines.push(summary(report));
  return `${lines.join('\n')}\n`;
}

export function formatJson(report: CheckReport, strict: boolean): string {
  return `${JSON.stringify({ ok: exitCodeOf(report, strict) === ExitCode.ok, ...report }, null, 2)}\n`;
}

export function summary(r: CheckReport): string {
  const count = (n: number, word: string) => `${n} ${word}${n === 1 ? '' : 's'}`;
  const excepted = r.excepted.length > 0 ? `, ${r.excepted.length} excepted` : '';
  return `${count(r.objects, 'object')} checked: ${count(r.errors, 'error')}, ${count(r.warnings, 'warning')}${excepted}`;
}

/** The values that would grant the exception, in the form they take in a values file. */
function exceptionText(e: NonNullable<Finding['except']>): string {
  const fields = Object.entries(e.entry).map(([k, v]) => `${k}: ${v}`);
  return `${e.key}: [{${[...fields, 'reason: …'].join(', ')}}]`;
}

export function exitCodeOf(report: CheckReport, strict: boolean): ExitCode {
  return report.errors > 0 || (strict && report.warnings > 0) ? ExitCode.policyViolations : ExitCode.ok;
}

function objectName(f: Finding): string {
  return `${f.object.kind} ${f.object.namespace ? `${f.object.namespace}/` : ''}${f.object.name}`;
}
