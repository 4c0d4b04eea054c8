/**
 * "Did you mean …?" for misspelled plan keys, enum values, engine and
 * environment names. Small on purpose: candidate lists are a few dozen words.
 */

/**
 * Edit distance with adjacent transpositions (optimal string alignment), so
 * `arivalRate` → `arrivalRate` and `hedaers` → `headers` both cost 1.
 * O(a·b) time, two-row memory.
 */
export function editDistance(a: string, b: string): number {
  let prevPrev: number[] = [];
  let prev = Array.from({ length: b.length + 1 }, (_, j) => j);
  for (let i = 1; i <= a.length; i++) {
    const row = [i];
    for (let j = 1; j <= b.length; j++) {
      const cost = a[i - 1] === b[j - 1] ? 0 : 1;
      let d = Math.min(prev[j]! + 1, row[j - 1]! + 1, prev[j - 1]! + cost);
      if (i > 1 && j > 1 && a[i - 1] === b[j - 2] && a[i - 2] === b[j - 1]) d = Math.min(d, prevPrev[j - 2]! + 1);
      row.push(d);
    }
    prevPrev = prev;
    prev = row;
  }
  return prev[b.length]!;
}

/**
 * The candidate closest to `word`, or undefined when none is close enough.
 * Comparison ignores case (`arrivalrate` → `arrivalRate`); the threshold grows
 * with length (1 edit up to 8 letters, one more per 4 letters after) so short
 * keys do not suggest unrelated words. Ties go to the earlier candidate.
 * Called by the plan loader when it reports unknown keys and names.
 */
export function didYouMean(word: string, candidates: Iterable<string>): string | undefined {
  const lower = word.toLowerCase();
  const limit = Math.max(1, Math.floor((word.length - 1) / 4));
  let best: string | undefined;
  let bestDistance = Infinity;
  for (const c of candidates) {
    if (c === word) continue;
    const d = editDistance(lower, c.toLowerCase());
    if (d <= limit && d < bestDistance) {
      best = c;
      bestDistance = d;
    }
  }
  return best;
}

/** `; did you mean "x"?` or the empty string; appended to error messages. */
export function didYouMeanSuffix(word: string, candidates: Iterable<string>): string {
  const s = didYouMean(word, candidates);
  return s === undefined ? '' : `; did you mean "${s}"?`;
}
