import { useEffect, useState } from 'preact/hooks';

/** The page is the URL's hash (`#/collections/posts`), as the mails' links expect. */
export function currentPath(): string {
  return location.hash.replace(/^#/, '') || '/';
}

export function useHashPath(): string {
  const [path, setPath] = useState(currentPath);
  useEffect(() => {
    const changed = () => setPath(currentPath());
    addEventListener('hashchange', changed);
    return () => removeEventListener('hashchange', changed);
  }, []);
  return path;
}

export function navigate(path: string): void {
  location.hash = path;
}

/** The path's parts after a prefix, decoded: `match('/collections/a%20b', '/collections')` → `['a b']`. */
export function match(path: string, prefix: string): string[] | undefined {
  if (path !== prefix && !path.startsWith(`${prefix}/`)) return undefined;
  return path
    .slice(prefix.length)
    .split('/')
    .filter((part) => part !== '')
    .map(decodeURIComponent);
}
