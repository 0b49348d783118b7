// Small pieces the tasks share on top of core/shared/kube.ts: per-request abort and patch headers,
// the labels that mark what a task wrote, and the check that team namespaces exist.
import {
  type ConfigurationOptions,
  type CoreV1Api,
  Observable,
  type ObservableMiddleware,
  type RequestContext,
  type ResponseContext,
} from '@kubernetes/client-node';
import { UserError } from '../shared/errors.js';
import { ExitCode } from '../shared/exit-codes.js';
import { isNotFound } from '../shared/kube.js';
import { mapLimit } from '../shared/pool.js';

export const systemNamespace = 'runlevel-system';
export const managedBy = { 'app.kubernetes.io/managed-by': 'runlevel' } as const;
/** Set on every object a task copied or created, so a later run knows it may change or remove it. */
export const writtenByLabel = 'runlevel.dev/task';

/**
 * Per-request options: the task's signal (so a timeout or SIGINT cancels the HTTP request in
 * flight) and, for patches, the content type.
 */
export function requestOptions(signal: AbortSignal, contentType?: string): ConfigurationOptions {
  const middleware: ObservableMiddleware = {
    pre: (request: RequestContext) => {
      request.setSignal(signal);
      if (contentType) request.setHeaderParam('Content-Type', contentType);
      return new Observable(Promise.resolve(request));
    },
    post: (response: ResponseContext) => new Observable(Promise.resolve(response)),
  };
  return { middleware: [middleware], middlewareMergeStrategy: 'append' };
}

export const mergePatch = 'application/merge-patch+json';

/** Throws once, naming every team namespace that is missing: tasks never create them (the team chart owns them). */
export async function requireNamespaces(core: CoreV1Api, namespaces: string[], signal: AbortSignal) {
  const found = await mapLimit(namespaces, perNamespaceConcurrency, async (name) => {
    signal.throwIfAborted();
    try {
      await core.readNamespace({ name }, requestOptions(signal));
      return true;
    } catch (err) {
      if (!isNotFound(err)) throw err;
      return false;
    }
  });
  const missing = namespaces.filter((_, i) => !found[i]);
  if (missing.length > 0) {
    throw new UserError(`namespace${missing.length > 1 ? 's' : ''} ${missing.join(', ')} not found`, {
      exitCode: ExitCode.deployFailed,
      hint: 'team namespaces come from runlevel 60-teams: run this task after it (or deploy first)',
    });
  }
}

/** Reads an object, or undefined when it does not exist. */
export async function readOptional<T>(read: () => Promise<T>): Promise<T | undefined> {
  try {
    return await read();
  } catch (err) {
    if (isNotFound(err)) return undefined;
    throw err;
  }
}

export function sameStrings(a: Record<string, string> | undefined, b: Record<string, string> | undefined) {
  const ka = Object.keys(a ?? {}).sort();
  const kb = Object.keys(b ?? {}).sort();
  return ka.length === kb.length && ka.every((k, i) => k === kb[i] && a?.[k] === b?.[k]);
}

/** Parallel API round-trips per namespace: 200 teams' worth finishes in seconds, not tens of them. */
const perNamespaceConcurrency = 8;

/** Runs `fn` for each item, a few at once; the changes it reports keep the items' order. */
export async function eachBounded<T>(
  items: readonly T[],
  signal: AbortSignal,
  fn: (item: T) => Promise<string[]>,
): Promise<string[]> {
  const changes = await mapLimit(items, perNamespaceConcurrency, async (item) => {
    signal.throwIfAborted();
    return fn(item);
  });
  return changes.flat();
}
