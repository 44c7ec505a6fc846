// HCM saturation flow of a lane group: base flow times lanes times the usual adjustment factors.
import type { LaneGroupInput } from './types.js';

/** HCM base saturation flow, passenger cars per hour of green per lane. */
export const BASE_SATURATION_FLOW = 1900;

/** Lane utilization for 1, 2 and 3+ lanes (HCM exhibit 10-23 defaults). */
const LANE_UTILIZATION = [1, 1, 0.952, 0.908];

/** Gap acceptance of a permitted left (HCM 2010): critical headway and follow-up headway, seconds. */
const PERMITTED_CRITICAL_HEADWAY = 4.5;
const PERMITTED_FOLLOW_UP = 2.5;

export interface SaturationContext {
  cbd: boolean;
  /** Opposing through plus right flow (veh/h) a permitted left filters through. */
  opposingFlow: number;
}

export function saturationFlow(group: LaneGroupInput, ctx: SaturationContext): number {
  if (group.saturationFlow !== undefined) return group.saturationFlow;
  const n = group.lanes;
  const vL = group.volume.L ?? 0;
  const vT = group.volume.T ?? 0;
  const vR = group.volume.R ?? 0;
  const total = vL + vT + vR;
  const pL = total > 0 ? vL / total : 0;
  const pR = total > 0 ? vR / total : 0;
  const hv = group.heavyVehiclePercent ?? 2;
  const width = Math.max(2.4, group.laneWidthM ?? 3.6);
  const fw = 1 + (width - 3.6) / 9;
  const fHV = 100 / (100 + hv);
  const fg = 1 - (group.gradePercent ?? 0) / 200;
  const nm = group.parkingManeuversPerHour;
  const fp = nm === undefined ? 1 : Math.max(0.05, (n - 0.1 - (18 * nm) / 3600) / n);
  const fbb = Math.max(0.05, (n - (14.4 * (group.busesStoppingPerHour ?? 0)) / 3600) / n);
  const fa = ctx.cbd ? 0.9 : 1;
  const fLU = LANE_UTILIZATION[Math.min(n, 3)];
  const exclusive = group.movements.length === 1;
  const fLT = group.movements.includes('L') ? leftTurnFactor(group, exclusive, pL, ctx.opposingFlow) : 1;
  const fRT = group.movements.includes('R') ? (exclusive ? 0.85 : n === 1 ? 1 - 0.135 * pR : 1 - 0.15 * pR) : 1;
  return (
    (group.baseSaturationFlowPerLane ?? BASE_SATURATION_FLOW) * n * fw * fHV * fg * fp * fbb * fa * fLU * fLT * fRT
  );
}

function leftTurnFactor(group: LaneGroupInput, exclusive: boolean, pL: number, opposingFlow: number): number {
  if (group.leftTurn !== 'permitted') return exclusive ? 0.95 : 1 / (1 + 0.05 * pL);
  // A permitted left moves only through gaps in the opposing flow: HCM's gap-acceptance rate, as a share of base flow.
  const vo = opposingFlow;
  const gapFlow =
    vo <= 0
      ? BASE_SATURATION_FLOW
      : (vo * Math.exp((-vo * PERMITTED_CRITICAL_HEADWAY) / 3600)) / (1 - Math.exp((-vo * PERMITTED_FOLLOW_UP) / 3600));
  const factor = Math.min(1, gapFlow / BASE_SATURATION_FLOW);
  return exclusive ? 0.95 * factor : 1 / (1 + pL * (1 / factor - 1));
}
