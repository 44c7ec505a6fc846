// Reader for CVRPLIB .sol files: "Route #k: c1 c2 ..." lines and a final "Cost N".
import { inputError } from '../../src/errors.js';

export function parseSolution(text: string): { routes: number[][]; cost: number } {
  const routes: number[][] = [];
  let cost = NaN;
  text.split(/\r?\n/).forEach((raw, i) => {
    const line = raw.trim();
    const route = /^Route\s*#\d+\s*:(.*)$/i.exec(line);
    if (route) {
      const ids = route[1]
        .trim()
        .split(/\s+/)
        .filter((t) => t !== '')
        .map(Number);
      if (ids.some((v) => !Number.isInteger(v) || v < 1))
        throw inputError(`malformed .sol file, line ${i + 1}: route customers must be positive integers`, {
          line: i + 1,
        });
      routes.push(ids);
      return;
    }
    const c = /^Cost\s+(-?[\d.eE+-]+)$/i.exec(line);
    if (c) cost = Number(c[1]);
  });
  if (!Number.isFinite(cost)) throw inputError('malformed .sol file: no "Cost N" line', {});
  return { routes, cost };
}
