// Lifecycle tasks: TypeScript functions run before or after a runlevel (declared in the
// runlevel file's header, `# runlevel: before=a after=b,c`) or alone as `runlevel task NAME`.
import type { KubeConfig } from '@kubernetes/client-node';
import type { ResolvedValues } from '../values/index.js';

/** What tasks read from the merged, validated values. */
export type TaskValues = Pick<ResolvedValues, 'teams' | 'platform'>;

export interface TaskContext {
  kc: KubeConfig;
  /** The merged, validated values; tasks read teams and platform settings. */
  values: TaskValues;
  cluster: string;
  /** Aborted on SIGINT/SIGTERM or when the task's timeout passes; pass it on to waits. */
  signal: AbortSignal;
  /** Arguments from the runlevel header (`after=wait-crds(a.example.com,b.example.com)`) or the
   * command line (`runlevel task wait-crds a.example.com`); most tasks take none. */
  args?: readonly string[];
}

export interface Task {
  name: string; // kebab-case, as written in runlevel headers and `runlevel task NAME`
  description: string;
  /** Idempotent: running it twice leaves the cluster as running it once. */
  run(ctx: TaskContext): Promise<TaskResult>;
  timeoutMs?: number; // default 60 s
  attempts?: number; // default 3, with exponential backoff between them
}

export interface TaskResult {
  /** One line per change made (empty when everything was already in place). */
  changed: string[];
}
