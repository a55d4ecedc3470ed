import type { SkippedResponse } from '@sluice/hooks';

/**
 * PocketBase's `e.json()`, `e.string()`, `e.html()`, `e.noContent()` and `e.redirect()` on the
 * `e` of a request hook: the answer the request gets when the handler does not call `e.next()`.
 * The first one written wins, as on PocketBase's response writer.
 */
export function responseWriters(write: (response: SkippedResponse) => void) {
  const text = (type: string) => (status: number, body: unknown) =>
    write({ status, body: String(body), headers: { 'content-type': `${type}; charset=utf-8` } });
  return {
    json: (status: number, data: unknown) =>
      write({
        status,
        body: JSON.stringify(data) ?? 'null',
        headers: { 'content-type': 'application/json; charset=utf-8' },
      }),
    string: text('text/plain'),
    html: text('text/html'),
    noContent: (status = 204) => write({ status }),
    redirect: (status: number, url: string) => write({ status, headers: { location: url } }),
  };
}
