import type { ComponentChildren } from 'preact';
import { useId } from 'preact/hooks';
import type { Loaded } from './load.ts';

/** A labelled control with the server's message for it, tied by `aria-describedby`. */
export function Field({
  label,
  error,
  hint,
  children,
}: {
  label: string;
  error?: string;
  hint?: string;
  children: (props: {
    id: string;
    'aria-invalid'?: boolean;
    'aria-describedby'?: string;
  }) => ComponentChildren;
}) {
  const id = useId();
  const described = error ? `${id}-error` : hint ? `${id}-hint` : undefined;
  return (
    <div class={`field${error ? ' invalid' : ''}`}>
      <label for={id}>{label}</label>
      {children({ id, 'aria-invalid': error ? true : undefined, 'aria-describedby': described })}
      {error ? (
        <p class="error-text" id={`${id}-error`} role="alert">
          {error}
        </p>
      ) : hint ? (
        <p class="hint" id={`${id}-hint`}>
          {hint}
        </p>
      ) : null}
    </div>
  );
}

export function Banner({
  kind = 'error',
  children,
}: {
  kind?: 'error' | 'ok' | 'info';
  children: ComponentChildren;
}) {
  return (
    <div class={`banner ${kind}`} role={kind === 'error' ? 'alert' : 'status'}>
      {children}
    </div>
  );
}

/** What a page shows when the server has no such endpoint yet. */
export function Unavailable({ feature }: { feature: string }) {
  return (
    <Banner kind="info">
      <strong>{feature}</strong> is not available on this server.
    </Banner>
  );
}

/** The loading, missing-endpoint and error states of a load; its children once the data is there. */
export function LoadState<T>({
  loaded,
  feature,
  children,
}: {
  loaded: Loaded<T>;
  feature: string;
  children: (data: T) => ComponentChildren;
}) {
  if (loaded.missing) return <Unavailable feature={feature} />;
  return (
    <>
      {loaded.error ? <Banner>{loaded.error}</Banner> : null}
      {loaded.data !== undefined ? (
        children(loaded.data)
      ) : loaded.loading ? (
        <p aria-busy="true">Loading…</p>
      ) : null}
    </>
  );
}

export function Pager({
  page,
  totalPages,
  onPage,
}: {
  page: number;
  totalPages: number;
  onPage: (page: number) => void;
}) {
  return (
    <nav class="pager" aria-label="Pages">
      <button type="button" disabled={page <= 1} onClick={() => onPage(page - 1)}>
        Previous
      </button>
      <span>
        Page {page} of {Math.max(totalPages, 1)}
      </span>
      <button type="button" disabled={page >= totalPages} onClick={() => onPage(page + 1)}>
        Next
      </button>
    </nav>
  );
}

export function formatDate(value: unknown): string {
  if (typeof value !== 'string' || value === '') return '';
  const date = new Date(value.replace(' ', 'T'));
  return Number.isNaN(date.getTime()) ? value : date.toLocaleString();
}
