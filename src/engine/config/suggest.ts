/** "Did you mean" for misspelt keys, comparing case- and separator-insensitively (`log_patterns` ~ `logPatterns`). */

export function normalizeKey(key: string): string {
  return key.toLowerCase().replace(/[-_\s]/g, '');
}

function editDistance(a: string, b: string): number {
  let previous = Array.from({ length: b.length + 1 }, (_, i) => i);
  for (let i = 1; i <= a.length; i++) {
    const current = [i];
    for (let j = 1; j <= b.length; j++) {
      const cost = a[i - 1] === b[j - 1] ? 0 : 1;
      current[j] = Math.min((previous[j] ?? 0) + 1, (current[j - 1] ?? 0) + 1, (previous[j - 1] ?? 0) + cost);
    }
    previous = current;
  }
  return previous[b.length] ?? Math.max(a.length, b.length);
}

/** The closest candidate, if it is close enough to be a likely typo. */
export function closestKey(key: string, candidates: readonly string[]): string | undefined {
  const wanted = normalizeKey(key);
  // Short keys get less slack: one edit turns `out` into `cut`, which is no typo.
  const slack = wanted.length <= 4 ? 1 : wanted.length <= 10 ? 2 : 3;
  let best: string | undefined;
  let bestDistance = Infinity;
  for (const candidate of candidates) {
    const distance = editDistance(wanted, normalizeKey(candidate));
    if (distance < bestDistance) {
      best = candidate;
      bestDistance = distance;
    }
  }
  return bestDistance <= slack ? best : undefined;
}
