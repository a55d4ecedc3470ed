import { useCallback, useEffect, useState } from 'preact/hooks';
import { errorMessage, isMissingEndpoint } from '../api.ts';

export interface Loaded<T> {
  data: T | undefined;
  error: string | undefined;
  /** The endpoint answered 404: the feature is not on this server. */
  missing: boolean;
  loading: boolean;
  reload: () => Promise<void>;
}

/** Runs `load` now and whenever `deps` change; keeps the last data while reloading. */
export function useLoad<T>(load: () => Promise<T>, deps: unknown[]): Loaded<T> {
  const [state, setState] = useState<Omit<Loaded<T>, 'reload'>>({
    data: undefined,
    error: undefined,
    missing: false,
    loading: true,
  });
  const reload = useCallback(async () => {
    setState((previous) => ({ ...previous, loading: true }));
    try {
      const data = await load();
      setState({ data, error: undefined, missing: false, loading: false });
    } catch (error) {
      setState((previous) => ({
        data: previous.data,
        error: errorMessage(error),
        missing: isMissingEndpoint(error),
        loading: false,
      }));
    }
  }, deps);
  useEffect(() => {
    void reload();
  }, [reload]);
  return { ...state, reload };
}
