// Change and clearance intervals: ITE yellow and all-red from speed, grade and width; pedestrian walk and clearance.

const G = 9.81;
/** ITE perception-reaction time (s), deceleration (m/s^2) and design vehicle length (m). */
const REACTION_S = 1.0;
const DECELERATION = 3.05;
const VEHICLE_LENGTH_M = 6.1;
/** MUTCD guidance keeps the yellow change between 3 and 6 seconds. */
const YELLOW_MIN = 3;
const YELLOW_MAX = 6;

const tenth = (s: number): number => Math.ceil(s * 10 - 1e-9) / 10;

/** ITE yellow change Y = t + v / (2a + 2Gg), rounded up to 0.1 s and held to MUTCD's 3..6 s. */
export function yellowChange(speedKmh: number, gradePercent: number): number {
  const v = speedKmh / 3.6;
  const y = REACTION_S + v / (2 * DECELERATION + 2 * G * (gradePercent / 100));
  return Math.min(YELLOW_MAX, Math.max(YELLOW_MIN, tenth(y)));
}

/** ITE red clearance R = (W + L) / v, rounded up to 0.1 s. */
export function redClearance(speedKmh: number, clearingWidthM: number): number {
  return tenth((clearingWidthM + VEHICLE_LENGTH_M) / (speedKmh / 3.6));
}

/** Flashing don't-walk time: the crosswalk length at the design walking speed, rounded up to a second. */
export function pedestrianClearance(crosswalkM: number, walkingSpeedMps: number): number {
  return Math.ceil(crosswalkM / walkingSpeedMps - 1e-9);
}
