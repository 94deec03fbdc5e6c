import { useState } from 'preact/hooks';

export interface ActionState {
  /** Name of the action running, if any (its button shows progress, the others wait). */
  busy: string | undefined;
  error: string | undefined;
  run(name: string, action: () => Promise<void>): Promise<boolean>;
  clearError(): void;
}

/** One action at a time per sidebar: two clicks never race each other into a 409. */
export function useAction(): ActionState {
  const [busy, setBusy] = useState<string | undefined>(undefined);
  const [error, setError] = useState<string | undefined>(undefined);
  return {
    busy,
    error,
    clearError: () => setError(undefined),
    async run(name, action) {
      if (busy) return false;
      setBusy(name);
      setError(undefined);
      try {
        await action();
        return true;
      } catch (err) {
        setError(err instanceof Error ? err.message : String(err));
        return false;
      } finally {
        setBusy(undefined);
      }
    },
  };
}
