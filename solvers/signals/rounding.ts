// Whole-second splits (NTCIP split times are integers) that keep every ring adding up to its barrier and the cycle.

const EPS = 1e-6;

/** Largest-remainder rounding of `values` to integers summing to `total`; never rounds a value below its floor. */
function roundToTotal(values: number[], total: number): number[] {
  const out = values.map((v) => Math.floor(v + EPS));
  let deficit = total - out.reduce((s, v) => s + v, 0);
  const order = values
    .map((v, i) => [v - out[i], i] as const)
    .sort((a, b) => b[0] - a[0])
    .map(([, i]) => i);
  for (let k = 0; deficit > 0; k++, deficit--) out[order[k % order.length]] += 1;
  return out;
}

/** Rounds barrier times to the cycle first, then each ring's splits to its barrier time. */
export function roundSplits(rings: number[][][], splits: number[], cycle: number): number[] {
  const barriers = rings[0].length;
  const times = Array.from({ length: barriers }, (_, b) => {
    const ring = rings.find((r) => r[b].length > 0)!;
    return ring[b].reduce((s, p) => s + splits[p], 0);
  });
  const rounded = roundToTotal(times, cycle);
  const out = splits.slice();
  for (const ring of rings) {
    ring.forEach((phases, b) => {
      if (phases.length === 0) return;
      roundToTotal(
        phases.map((p) => splits[p]),
        rounded[b],
      ).forEach((v, k) => (out[phases[k]] = v));
    });
  }
  return out;
}
