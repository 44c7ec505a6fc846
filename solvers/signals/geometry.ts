// Movement geometry of a four-leg intersection: where each turn exits and which movements cross or merge.
import type { Leg, Turn } from './types.js';

export const LEGS: readonly Leg[] = ['N', 'E', 'S', 'W'];
export const TURNS: readonly Turn[] = ['L', 'T', 'R'];

export interface Movement {
  from: Leg;
  turn: Turn;
  /** A permitted left may share time with the opposing through and right it yields to. */
  permittedLeft: boolean;
}

const EXIT_STEP: Record<Turn, number> = { L: 1, T: 2, R: 3 };

export function exitLeg(from: Leg, turn: Turn): Leg {
  return LEGS[(LEGS.indexOf(from) + EXIT_STEP[turn]) % 4];
}

/**
 * Paths are chords of a circle holding, clockwise, each leg's entry then exit point (right-hand
 * traffic); two paths cross when their endpoints interleave and merge when they share an exit.
 */
export function movementsConflict(a: Movement, b: Movement): boolean {
  if (a.from === b.from) return false;
  if (yields(a, b) || yields(b, a)) return false;
  const ea = exitLeg(a.from, a.turn);
  const eb = exitLeg(b.from, b.turn);
  if (ea === eb) return true;
  const a0 = 2 * LEGS.indexOf(a.from);
  const a1 = 2 * LEGS.indexOf(ea) + 1;
  const b0 = 2 * LEGS.indexOf(b.from);
  const b1 = 2 * LEGS.indexOf(eb) + 1;
  return inside(b0, a0, a1) !== inside(b1, a0, a1);
}

function yields(left: Movement, other: Movement): boolean {
  return left.turn === 'L' && left.permittedLeft && other.turn !== 'L' && opposite(left.from) === other.from;
}

function inside(p: number, lo: number, hi: number): boolean {
  const [a, b] = lo < hi ? [lo, hi] : [hi, lo];
  return p > a && p < b;
}

export function opposite(leg: Leg): Leg {
  return LEGS[(LEGS.indexOf(leg) + 2) % 4];
}
