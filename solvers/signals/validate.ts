// Field-level validation of an intersection description: every error names the field and what to fix.
import { inputError } from '../../src/errors.js';
import { LEGS, TURNS } from './geometry.js';
import type { IntersectionInput, Leg, PhaseInput } from './types.js';

/** No lane discharges more than one vehicle a second for an hour; demand above that is a data error. */
export const MAX_VOLUME_PER_LANE = 3600;

const isNum = (v: unknown): v is number => typeof v === 'number' && Number.isFinite(v);

function num(v: unknown, field: string, min: number, max = Infinity): void {
  if (!isNum(v) || v < min || v > max) {
    const range = max === Infinity ? `>= ${min}` : `in [${min}, ${max}]`;
    throw inputError(`${field} must be a number ${range} (got ${JSON.stringify(v)})`, { field });
  }
}

function leg(v: unknown, field: string): asserts v is Leg {
  if (!LEGS.includes(v as Leg))
    throw inputError(`${field} must be one of N, E, S, W (got ${JSON.stringify(v)})`, { field });
}

/** Checks types and ranges; structural checks (conflicts, service) come after, in model.ts. */
export function validateIntersection(input: IntersectionInput): void {
  if (typeof input !== 'object' || input === null) throw inputError('an intersection must be an object');
  if (typeof input.id !== 'string' || input.id === '')
    throw inputError('intersection.id must be a non-empty string', { field: 'id' });
  const at = `intersection ${input.id}`;
  if (input.peakHourFactor !== undefined) num(input.peakHourFactor, `${at}: peakHourFactor`, 0.25, 1);
  if (input.cycle?.min !== undefined) num(input.cycle.min, `${at}: cycle.min`, 1);
  if (input.cycle?.max !== undefined) num(input.cycle.max, `${at}: cycle.max`, 1, 600);
  if ((input.cycle?.min ?? 0) > (input.cycle?.max ?? Infinity)) {
    throw inputError(`${at}: cycle.min ${input.cycle?.min} exceeds cycle.max ${input.cycle?.max}`, { field: 'cycle' });
  }
  if (!Array.isArray(input.approaches)) throw inputError(`${at}: approaches must be an array`, { field: 'approaches' });
  const seenLegs = new Set<string>();
  input.approaches.forEach((a, i) => {
    const f = `${at}: approaches[${i}]`;
    leg(a.leg, `${f}.leg`);
    if (seenLegs.has(a.leg)) throw inputError(`${f}.leg ${a.leg} is listed twice`, { field: `approaches[${i}].leg` });
    seenLegs.add(a.leg);
    num(a.speedKmh, `${f}.speedKmh`, 5, 130);
    if (a.gradePercent !== undefined) num(a.gradePercent, `${f}.gradePercent`, -15, 15);
    num(a.clearingWidthM, `${f}.clearingWidthM`, 0, 200);
    if (a.crosswalkM !== undefined) num(a.crosswalkM, `${f}.crosswalkM`, 0, 200);
  });
  if (!Array.isArray(input.laneGroups) || input.laneGroups.length === 0) {
    throw inputError(`${at}: laneGroups must be a non-empty array`, { field: 'laneGroups' });
  }
  const ids = new Set<string>();
  input.laneGroups.forEach((g, i) => {
    const f = `${at}: lane group ${typeof g.id === 'string' ? g.id : `[${i}]`}`;
    if (typeof g.id !== 'string' || g.id === '') throw inputError(`${f}: id must be a non-empty string`);
    if (ids.has(g.id)) throw inputError(`${f}: id is used twice`, { field: 'laneGroups.id' });
    ids.add(g.id);
    leg(g.from, `${f}.from`);
    if (!seenLegs.has(g.from))
      throw inputError(`${f} comes from leg ${g.from} but approaches has no entry for ${g.from}`);
    const letters = typeof g.movements === 'string' ? [...g.movements] : [];
    if (
      letters.length === 0 ||
      letters.some((m) => !TURNS.includes(m as 'L')) ||
      new Set(letters).size !== letters.length
    ) {
      throw inputError(`${f}.movements must be distinct letters from L, T, R (got ${JSON.stringify(g.movements)})`);
    }
    if (!Number.isInteger(g.lanes) || g.lanes < 1 || g.lanes > 8)
      throw inputError(`${f}.lanes must be an integer in [1, 8] (got ${JSON.stringify(g.lanes)})`);
    if (typeof g.volume !== 'object' || g.volume === null)
      throw inputError(`${f}.volume must be an object of veh/h per turn`);
    let total = 0;
    for (const [turn, v] of Object.entries(g.volume)) {
      if (!letters.includes(turn))
        throw inputError(`${f}.volume.${turn}: the lane group does not carry turn ${turn} (movements ${g.movements})`);
      if (!isNum(v) || v < 0)
        throw inputError(`${f}.volume.${turn} must be a non-negative number of veh/h (got ${JSON.stringify(v)})`);
      total += v;
    }
    if (total > MAX_VOLUME_PER_LANE * g.lanes) {
      throw inputError(
        `${f}: volume ${total} veh/h is impossible on ${g.lanes} lane(s) (at most ${MAX_VOLUME_PER_LANE} veh/h per lane)`,
      );
    }
    if (g.leftTurn !== undefined && g.leftTurn !== 'protected' && g.leftTurn !== 'permitted') {
      throw inputError(`${f}.leftTurn must be "protected" or "permitted"`);
    }
    if (g.leftTurn !== undefined && !letters.includes('L'))
      throw inputError(`${f}.leftTurn is set but the lane group has no left turn`);
    if (g.heavyVehiclePercent !== undefined) num(g.heavyVehiclePercent, `${f}.heavyVehiclePercent`, 0, 100);
    if (g.gradePercent !== undefined) num(g.gradePercent, `${f}.gradePercent`, -15, 15);
    if (g.laneWidthM !== undefined) num(g.laneWidthM, `${f}.laneWidthM`, 2, 6);
    if (g.parkingManeuversPerHour !== undefined) num(g.parkingManeuversPerHour, `${f}.parkingManeuversPerHour`, 0, 180);
    if (g.busesStoppingPerHour !== undefined) num(g.busesStoppingPerHour, `${f}.busesStoppingPerHour`, 0, 250);
    if (g.baseSaturationFlowPerLane !== undefined)
      num(g.baseSaturationFlowPerLane, `${f}.baseSaturationFlowPerLane`, 500, 2500);
    if (g.saturationFlow !== undefined) num(g.saturationFlow, `${f}.saturationFlow`, 1, 2400 * g.lanes);
  });
  validatePhasing(input, at, seenLegs);
}

function validatePhasing(input: IntersectionInput, at: string, legs: Set<string>): void {
  const p = input.phasing;
  if (typeof p !== 'object' || p === null || (p.type !== 'stage' && p.type !== 'nema')) {
    throw inputError(`${at}: phasing.type must be "stage" or "nema"`, { field: 'phasing.type' });
  }
  const phases: PhaseInput[] = p.type === 'stage' ? p.stages : p.phases;
  const name = p.type === 'stage' ? 'stage' : 'phase';
  if (!Array.isArray(phases) || phases.length < 2) throw inputError(`${at}: phasing needs at least two ${name}s`);
  const ids = new Set<string>();
  for (const ph of phases) {
    if (typeof ph.id !== 'string' || ph.id === '') throw inputError(`${at}: every ${name} needs a non-empty string id`);
    const f = `${at}: ${name} ${ph.id}`;
    if (ids.has(ph.id)) throw inputError(`${f} is defined twice`);
    ids.add(ph.id);
    if (!Array.isArray(ph.laneGroups) || ph.laneGroups.length === 0) {
      throw inputError(`${f} has no movements: list at least one lane group in laneGroups`, { phase: ph.id });
    }
    for (const g of ph.laneGroups) {
      if (!input.laneGroups.some((lg) => lg.id === g))
        throw inputError(`${f} serves unknown lane group ${JSON.stringify(g)}`);
    }
    if (ph.minGreen !== undefined) num(ph.minGreen, `${f}.minGreen`, 1, 120);
    if (ph.walk !== undefined) num(ph.walk, `${f}.walk`, 0, 60);
    if (ph.walkingSpeedMps !== undefined) num(ph.walkingSpeedMps, `${f}.walkingSpeedMps`, 0.5, 2);
    for (const l of ph.pedestrians ?? []) {
      leg(l, `${f}.pedestrians`);
      if (!legs.has(l) || input.approaches.find((a) => a.leg === l)?.crosswalkM === undefined) {
        throw inputError(`${f} serves pedestrians across leg ${l} but approach ${l} has no crosswalkM`);
      }
    }
  }
}
