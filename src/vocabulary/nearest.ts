/**
 * The known name a misspelled one was most likely meant to be: the candidate at the smallest edit distance
 * (insertions, deletions, substitutions; case ignored), if that is at most 2 and below a third of the name's
 * length rounded up (`reasn` → `reason`; nothing for `ab`).
 */
export function nearest(name: string, candidates: Iterable<string>): string | undefined {
  const word = name.toLowerCase();
  let best: string | undefined;
  let bestDistance = Math.min(3, Math.ceil(word.length / 3));
  for (const candidate of candidates) {
    const distance = editDistance(word, candidate.toLowerCase());
    if (distance < bestDistance) {
      best = candidate;
      bestDistance = distance;
    }
  }
  return best;
}

function editDistance(a: string, b: string): number {
  if (Math.abs(a.length - b.length) > 2) return 3;
  let row = Array.from({ length: b.length + 1 }, (_, i) => i);
  for (let i = 1; i <= a.length; i++) {
    const next = [i];
    for (let j = 1; j <= b.length; j++) {
      next[j] = Math.min(row[j]! + 1, next[j - 1]! + 1, row[j - 1]! + (a[i - 1] === b[j - 1] ? 0 : 1));
    }
    row = next;
  }
  return row[b.length]!;
}
