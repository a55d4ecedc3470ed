import { useState } from 'preact/hooks';
import { errorMessage, type FieldErrors, fieldErrors } from '../api.ts';

/** A form's submit: busy while it runs, then the server's message and per-field problems, if any. */
export function useSubmit<A extends unknown[]>(run: (...args: A) => Promise<void>) {
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<string>();
  const [errors, setErrors] = useState<FieldErrors>({});
  const submit = async (...args: A) => {
    setBusy(true);
    setError(undefined);
    setErrors({});
    try {
      await run(...args);
    } catch (failure) {
      setError(errorMessage(failure));
      setErrors(fieldErrors(failure));
    } finally {
      setBusy(false);
    }
  };
  return { busy, error, errors, submit };
}
