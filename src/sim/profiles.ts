// Daily shapes by minute of local day: traffic by approach direction, feeder load, DR resource use, bin filling.
import { OFFDAY, WORKDAY } from './local-clock.js';

export const MINUTES = 1440;

/** Direction classes of an approach relative to downtown: traffic heading in, heading out, or neither. */
export const INBOUND = 0;
export const OUTBOUND = 1;
export const CROSSTOWN = 2;

function gauss(h: number, mu: number, sd: number): number {
  const d = Math.min(Math.abs(h - mu), 24 - Math.abs(h - mu));
  return Math.exp(-0.5 * (d / sd) ** 2);
}

function logistic(x: number): number {
  return 1 / (1 + Math.exp(-x));
}

/** 1 between `from` and `to` o'clock, with soft edges. */
function plateau(h: number, from: number, to: number, soft = 0.6): number {
  return logistic((h - from) / soft) * (1 - logistic((h - to) / soft));
}

function table(f: (h: number) => number): Float64Array {
  const t = new Float64Array(MINUTES);
  for (let m = 0; m < MINUTES; m++) t[m] = f((m + 0.5) / 60);
  return t;
}

const PEAK_WEIGHTS: [number, number][] = [
  [1.0, 0.5],
  [0.5, 1.0],
  [0.75, 0.75],
];

/** Traffic as a share of the peak-hour flow, indexed [dayType * 3 + directionClass][minute]. */
export function trafficTables(): Float64Array[] {
  const out: Float64Array[] = [];
  for (const dayType of [WORKDAY, OFFDAY]) {
    for (const [am, pm] of PEAK_WEIGHTS) {
      out.push(
        dayType === WORKDAY
          ? table(
              (h) =>
                0.06 + 0.42 * plateau(h, 6, 21.5) + 0.55 * am * gauss(h, 8, 0.8) + 0.55 * pm * gauss(h, 17.25, 1.1),
            )
          : table((h) => 0.06 + 0.4 * plateau(h, 8.5, 22.5, 0.8) + 0.22 * gauss(h, 13.5, 2.5)),
      );
    }
  }
  return out;
}

/** Feeder load shapes without weather, as a share of capacity: [dayType * 2 + (0 residential | 1 commercial)]. */
export function loadTables(): Float64Array[] {
  return [
    table((h) => 0.45 + 0.15 * gauss(h, 7.5, 1.2) + 0.35 * gauss(h, 19.5, 2.2) - 0.1 * gauss(h, 3.5, 2)),
    table((h) => 0.35 + 0.55 * plateau(h, 8, 18, 0.8)),
    table((h) => 0.5 + 0.1 * gauss(h, 10, 2) + 0.35 * gauss(h, 19.5, 2.5) - 0.1 * gauss(h, 3.5, 2)),
    table((h) => 0.35 + 0.2 * plateau(h, 9, 17, 0.8)),
  ];
}

/** Building occupancy driving HVAC use, by [dayType]. */
export function occupancyTables(): Float64Array[] {
  return [table((h) => 0.4 + 0.6 * plateau(h, 7, 19)), table((h) => 0.5 + 0.1 * plateau(h, 10, 18))];
}

/** EV charging as a share of the chargers' maximum power (evening arrivals, overnight charging). */
export function evTable(): Float64Array {
  return table((h) => Math.min(1, 0.1 + 0.75 * gauss(h, 20, 2) + 0.4 * gauss(h, 1, 2)));
}

/** Bin filling rate relative to the daily mean (most waste is thrown out by day). */
export function binFillTable(): Float64Array {
  const raw = table((h) => 0.3 + 1.4 * plateau(h, 7, 22));
  const mean = raw.reduce((s, x) => s + x, 0) / MINUTES;
  return raw.map((x) => x / mean);
}
