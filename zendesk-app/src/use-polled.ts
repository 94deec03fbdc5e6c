import { useCallback, useEffect, useRef, useState } from 'preact/hooks';

export interface Polled<T> {
  data: T | undefined;
  error: string | undefined;
  loading: boolean;
  /** Shows a fresh value at once (e.g. the service's answer to an action). */
  replace(value: T): void;
}

/**
 * Loads, then reloads every `intervalMs` while the page is visible. State changes only when
 * the answer differs from the last one, so an unchanged poll renders nothing (no flicker).
 * `first`, when given, is the first load's answer, already asked for.
 */
export function usePolled<T>(load: () => Promise<T>, intervalMs: number, first?: Promise<T>): Polled<T> {
  const [state, setState] = useState<{ data: T | undefined; error: string | undefined; loading: boolean }>({ data: undefined, error: undefined, loading: true });
  const last = useRef<string | undefined>(undefined);
  // An answer already on its way (asked for before the first render) stands in for the first load.
  const pending = useRef(first);

  const accept = useCallback((value: T) => {
    const key = JSON.stringify(value);
    if (key === last.current) return;
    last.current = key;
    setState({ data: value, error: undefined, loading: false });
  }, []);

  useEffect(() => {
    let stopped = false;
    let timer: ReturnType<typeof setTimeout> | undefined;
    const tick = async () => {
      if (document.visibilityState === 'visible') {
        try {
          const early = pending.current;
          pending.current = undefined;
          const value = await (early ?? load());
          if (!stopped) accept(value);
        } catch (err) {
          const message = err instanceof Error ? err.message : String(err);
          if (!stopped) setState((s) => (s.error === message && !s.loading ? s : { ...s, error: message, loading: false }));
        }
      }
      if (!stopped) timer = setTimeout(() => void tick(), intervalMs);
    };
    void tick();
    return () => {
      stopped = true;
      clearTimeout(timer);
    };
  }, [load, intervalMs, accept]);

  return { ...state, replace: accept };
}
