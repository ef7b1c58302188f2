import { useEffect, useState } from 'preact/hooks';

export interface AsyncState<T> {
  data?: T;
  error?: unknown;
  /** True from the render in which `deps` change until their answer is in (never a stale "ready"). */
  loading: boolean;
}

const sameDeps = (a: readonly unknown[], b: readonly unknown[]) =>
  a.length === b.length && a.every((v, i) => Object.is(v, b[i]));

/** Runs `load` whenever `deps` change; an answer that arrives after newer deps is dropped. */
export function useAsync<T>(load: () => Promise<T>, deps: readonly unknown[]): AsyncState<T> {
  const [state, setState] = useState<AsyncState<T> & { deps?: readonly unknown[] }>({ loading: true });
  useEffect(() => {
    let current = true;
    setState((s) => ({ ...s, loading: true }));
    load().then(
      (data) => current && setState({ data, loading: false, deps }),
      (error: unknown) => current && setState({ error, loading: false, deps }),
    );
    return () => {
      current = false;
    };
    // The caller lists what `load` depends on (as with useEffect itself).
  }, deps);
  const fresh = state.deps !== undefined && sameDeps(state.deps, deps);
  return { data: state.data, error: state.error, loading: state.loading || !fresh };
}

/** Runs tasks with at most `limit` in flight, results in input order. */
export async function mapLimit<T, R>(items: readonly T[], limit: number, task: (item: T) => Promise<R>) {
  const results: R[] = new Array(items.length);
  let next = 0;
  const worker = async () => {
    while (next < items.length) {
      const i = next++;
      results[i] = await task(items[i]!);
    }
  };
  await Promise.all(Array.from({ length: Math.min(limit, items.length) }, worker));
  return results;
}
