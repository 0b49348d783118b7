// Map over items with at most `limit` running at once, results in input order. On the first
// failure no new work starts; the error thrown is the first failure in input order, so the same
// broken input always reports the same error.
export async function mapLimit<T, R>(
  items: readonly T[],
  limit: number,
  fn: (item: T, i: number) => Promise<R>,
): Promise<R[]> {
  const results = new Array<R>(items.length);
  const errors: { i: number; err: unknown }[] = [];
  let next = 0;
  async function worker(): Promise<void> {
    while (next < items.length && errors.length === 0) {
      const i = next++;
      try {
        results[i] = await fn(items[i] as T, i);
      } catch (err) {
        errors.push({ i, err });
      }
    }
  }
  await Promise.all(Array.from({ length: Math.max(1, Math.min(limit, items.length)) }, worker));
  if (errors.length > 0) throw errors.sort((a, b) => a.i - b.i)[0]?.err;
  return results;
}
