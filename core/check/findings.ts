// What check reports: one finding per broken rule per object, pointing at the rendered file and line.

export const Severities = ['error', 'warning'] as const;
export type Severity = (typeof Severities)[number];

export interface Finding {
  /** `schema/<rule>` for Kubernetes schema findings, else the policy id (privileged, image-tag, …). */
  rule: string;
  severity: Severity;
  object: { apiVersion: string; kind: string; namespace?: string; name: string };
  runlevel: string;
  release: string;
  file: string; // rendered file, relative to the rendered directory
  line: number;
  message: string;
  hint?: string;
}

export interface CheckReport {
  objects: number;
  findings: Finding[]; // sorted: file, line, rule, message
  errors: number;
  warnings: number;
}

export function makeReport(objects: number, findings: Finding[]): CheckReport {
  const sorted = [...findings].sort(
    (a, b) =>
      a.file.localeCompare(b.file) ||
      a.line - b.line ||
      a.rule.localeCompare(b.rule) ||
      a.message.localeCompare(b.message),
  );
  const errors = sorted.filter((f) => f.severity === 'error').length;
  return { objects, findings: sorted, errors, warnings: sorted.length - errors };
}
