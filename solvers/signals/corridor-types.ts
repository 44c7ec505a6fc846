// Plain-data shapes of corridor coordination: a chain of signals with link travel times, and its coordinated plan.
import type { IntersectionInput, IntersectionPlan } from './types.js';

export interface CorridorSignalInput {
  intersection: IntersectionInput;
  /** Arterial lane groups travelling away from (outbound) and towards (inbound) the first signal. */
  outboundLaneGroup: string;
  inboundLaneGroup: string;
}

export interface CorridorLinkInput {
  /** Travel time from this signal to the next (outbound), seconds; or lengthM at speedKmh. */
  travelTimeS?: number;
  /** Travel time back from the next signal to this one; defaults to the outbound time. */
  inboundTravelTimeS?: number;
  lengthM?: number;
  speedKmh?: number;
}

export interface CorridorInput {
  id: string;
  signals: CorridorSignalInput[];
  /** links[i] joins signals[i] and signals[i + 1]. */
  links: CorridorLinkInput[];
  /** Common cycle; defaults to the longest cycle the signals would run alone. */
  cycle?: number;
  /** Weight of inbound against outbound bandwidth in the objective (MAXBAND's k). */
  inboundWeight?: number;
}

export interface CorridorPlan {
  corridorId: string;
  cycleTime: number;
  /** Through bands, seconds of green a platoon can use at every signal, evaluated on the whole-second offsets. */
  outboundBandwidth: number;
  inboundBandwidth: number;
  /** Per signal, in corridor order; each pattern carries its offset and coordinated phase. */
  plans: IntersectionPlan[];
  method: 'maxband-milp';
  /** HiGHS status of the MILP ("Optimal", or "Time limit reached" with the best band found). */
  solverStatus: string;
}
