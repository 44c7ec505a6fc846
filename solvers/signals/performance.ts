// HCM performance of a plan: capacity, v/c, uniform plus incremental control delay, level of service.
import type { Los } from './types.js';

/** Pretimed incremental-delay calibration k and isolated upstream filtering I (HCM). */
const K_PRETIMED = 0.5;
const I_ISOLATED = 1;

const LOS_LIMITS: [number, Los][] = [
  [10, 'A'],
  [20, 'B'],
  [35, 'C'],
  [55, 'D'],
  [80, 'E'],
];

export function levelOfService(delay: number, vc = 0): Los {
  if (vc > 1) return 'F';
  for (const [limit, los] of LOS_LIMITS) if (delay <= limit) return los;
  return 'F';
}

export interface Delay {
  capacity: number;
  vc: number;
  uniform: number;
  incremental: number;
}

/** d1 = 0.5 C (1 - g/C)^2 / (1 - min(1, X) g/C); d2 = 900 T [(X-1) + sqrt((X-1)^2 + 8 k I X / (c T))]. */
export function controlDelay(
  flowRate: number,
  saturationFlow: number,
  green: number,
  cycle: number,
  periodH: number,
): Delay {
  const gc = green / cycle;
  const capacity = saturationFlow * gc;
  const x = capacity > 0 ? flowRate / capacity : flowRate > 0 ? Infinity : 0;
  const uniform = (0.5 * cycle * (1 - gc) ** 2) / (1 - Math.min(1, x) * gc);
  const incremental =
    x === 0
      ? 0
      : 900 * periodH * (x - 1 + Math.sqrt((x - 1) ** 2 + (8 * K_PRETIMED * I_ISOLATED * x) / (capacity * periodH)));
  return { capacity, vc: x, uniform, incremental };
}
