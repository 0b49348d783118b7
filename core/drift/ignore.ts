// Ignore rules from values (`platform.drift.ignore`): fields another owner changes on purpose,
// such as spec.replicas under an autoscaler, are neither reported nor a reason to repair.
import { parsePath, pathCovers, type Segment } from '../shared/field-path.js';
import type { DriftIgnoreRule, ObjectDrift } from './types.js';

interface CompiledRule {
  rule: DriftIgnoreRule;
  path: Segment[] | undefined;
}

export type IgnoreMatcher = (object: Omit<ObjectDrift, 'missing' | 'changes'>, path: string) => boolean;

export function ignoreMatcher(rules: readonly DriftIgnoreRule[]): IgnoreMatcher {
  const compiled: CompiledRule[] = rules.map((rule) => ({ rule, path: parsePath(rule.path) }));
  return (object, path) => {
    const segments = parsePath(path);
    if (!segments) return false;
    return compiled.some(
      ({ rule, path: rulePath }) =>
        rulePath !== undefined &&
        rule.kind === object.kind &&
        (rule.name === undefined || rule.name === object.name) &&
        (rule.namespace === undefined || rule.namespace === (object.namespace ?? '')) &&
        pathCovers(rulePath, segments),
    );
  };
}
