// What check reports: one finding per broken rule per object, pointing at the rendered file and
// line. A policy finding that an exception in values covers is reported apart, as excepted, with
// the exception's values path and reason; it fails nothing.

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
  /** The container the finding is about, for policies that look at containers. */
  container?: string;
  hint?: string;
  /** Policy findings: the values list an exception for this finding would go in, and its entry. */
  except?: { key: string; entry: Record<string, string> };
  /** The exceptions in values that cover this finding (values path and reason). */
  exceptedBy?: { key: string; reason: string }[];
}

export interface CheckReport {
  objects: number;
  findings: Finding[]; // sorted: file, line, rule, message
  /** Findings an exception covers: reported, never counted as errors or warnings. */
  excepted: Finding[];
  errors: number;
  warnings: number;
}

export function makeReport(objects: number, all: Finding[]): CheckReport {
  const sorted = [...all].sort(
    (a, b) =>
      a.file.localeCompare(b.file) ||
      a.line - b.line ||
      a.rule.localeCompare(b.rule) ||
      a.message.localeCompare(b.message),
  );
  const findings = sorted.filter((f) => !f.exceptedBy?.length);
  const excepted = sorted.filter((f) => f.exceptedBy?.length);
  const errors = findings.filter((f) => f.severity === 'error').length;
  return { objects, findings, excepted, errors, warnings: findings.length - errors };
}
