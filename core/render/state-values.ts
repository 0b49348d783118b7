// The merged values (decrypted secrets included) go to helmfile on its standard input, so they are
// never written anywhere, not even to a temporary file: the image runs on a read-only file system.
// helmfile opens its state values file by name and reads it once per process, so the name is
// /dev/stdin, which must then be a pipe (see `stdinAsPipe` in shared/exec.ts).

/** The state values as one helmfile process receives them. */
export interface StateValues {
  /** JSON is YAML, and it keeps every string a string (no YAML 1.1 surprises such as `on`, 1.10). */
  readonly json: string;
}

export const stateValuesArgs = ['--state-values-file', '/dev/stdin'] as const;

export function stateValues(values: unknown): StateValues {
  return { json: JSON.stringify(values) };
}

/** Kept as the render's one entry point for the values it hands to helmfile. */
export async function withStateValues<T>(
  values: unknown,
  fn: (state: StateValues) => Promise<T>,
): Promise<T> {
  return fn(stateValues(values));
}
