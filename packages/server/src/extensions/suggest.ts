/** Edit distance between two names, case-insensitively (a typo in case counts as none). */
function distance(a: string, b: string): number {
  const x = a.toLowerCase();
  const y = b.toLowerCase();
  let previous = Array.from({ length: y.length + 1 }, (_, index) => index);
  for (let i = 1; i <= x.length; i++) {
    const current = [i];
    for (let j = 1; j <= y.length; j++) {
      const cost = x[i - 1] === y[j - 1] ? 0 : 1;
      current[j] = Math.min(previous[j]! + 1, current[j - 1]! + 1, previous[j - 1]! + cost);
    }
    previous = current;
  }
  return previous[y.length]!;
}

/** The known names nearest to `name` (at most `count`, close enough to be a likely typo). */
export function nearestNames(name: string, known: Iterable<string>, count = 3): string[] {
  const limit = Math.max(2, Math.floor(name.length / 3));
  return [...new Set(known)]
    .map((candidate) => ({ candidate, cost: distance(name, candidate) }))
    .filter(({ cost }) => cost <= limit)
    .sort((a, b) => a.cost - b.cost || (a.candidate < b.candidate ? -1 : 1))
    .slice(0, count)
    .map(({ candidate }) => candidate);
}

/** ` Did you mean "a" or "b"?`, or nothing when no name is near. */
export function didYouMean(name: string, known: Iterable<string>): string {
  const nearest = nearestNames(name, known);
  if (nearest.length === 0) return '';
  const quoted = nearest.map((candidate) => `"${candidate}"`);
  const list = quoted.length === 1 ? quoted[0] : `${quoted.slice(0, -1).join(', ')} or ${quoted.at(-1)}`;
  return ` Did you mean ${list}?`;
}

/**
 * `onRecordBeforeCreateRequets is not defined` gains the nearest names the file could have meant;
 * other errors pass as they are.
 */
export function explainUnknownName(error: unknown, known: readonly string[]): unknown {
  if (!(error instanceof Error)) return error;
  const missing = error.message.match(/^(\$?\w+) is not (?:defined|a function)$/)?.[1];
  if (!missing) return error;
  const hint = didYouMean(missing, known);
  if (!hint) return error;
  error.message = `${error.message}.${hint}`;
  return error;
}
