// The dispatch plan returned to callers: setpoints, costs, shortfall, marginal costs and OpenADR events.
import type { LpBackendName } from '../lp/index.js';
import type { OpenAdrEvent } from './openadr.js';
import type { DecompositionFallback, DecompositionStats, DispatchMethod } from './solution.js';
import type { TimeWindow } from './request.js';

export interface ResourcePlan {
  readonly id: string;
  readonly kind: string;
  readonly feeder?: string;
  /** Commanded reduction per interval (kW); negative when a battery or EV fleet charges. */
  readonly setpointKW: number[];
  /** Effect on load per interval (kW): the setpoint minus HVAC rebound. */
  readonly netReductionKW: number[];
  /** Battery state of charge or EV energy owed at the end of each interval (kWh). */
  readonly stateKWh?: number[];
  /** Whether the resource is called in each interval (on/off decisions, or a non-zero setpoint). */
  readonly called: boolean[];
  readonly calls: number;
  readonly cost: number;
}

export interface FeederPlan {
  readonly id: string;
  readonly netReductionKW: number[];
  /** Load above the cap per interval (kW); null when the feeder has no cap. */
  readonly shortfallKW: number[] | null;
  readonly marginalCostPerKWh: number[] | null;
}

export interface DispatchPlan {
  readonly status: 'optimal' | 'feasible';
  readonly backend: LpBackendName | 'decomposition';
  /** How it was solved: one LP/MIP of the whole request, or column generation over the DR resources. */
  readonly method: DispatchMethod;
  readonly mip: boolean;
  /** Relative gap of a MIP solve (0 when proven optimal). */
  readonly mipGap?: number;
  /**
   * Rounds, columns and the proving bound of a decomposition solve; on a full-model plan of a problem meant for the
   * decomposition, why it fell back (`fallback`).
   */
  readonly decomposition?: Partial<DecompositionStats> & { readonly fallback?: DecompositionFallback };
  /** Present when a first plan broke a rule of the request (checked independently) and the full model replaced it. */
  readonly rejectedPlan?: { readonly method: DispatchMethod; readonly violations: readonly string[] };
  /**
   * Present when the plan the time budget stopped broke a rule of the request and was repaired rather than dropped:
   * the first violations of the plan as stopped, and the resource-intervals whose storage charging and discharging
   * were merged into one direction, keeping the state of charge (the setpoint there rises by the loss no longer taken),
   * and the resources whose merged plan was scaled down (by `factor`) where it would have broken their ramp limit.
   */
  readonly repairedPlan?: {
    readonly violations: readonly string[];
    readonly nettedIntervals: number;
    readonly scaledResources: readonly { readonly id: string; readonly factor: number }[];
  };
  /**
   * Present when the request's time budget (timeLimitSeconds) ran out before the plan was proven: the best plan found,
   * the lower bound on the optimal objective proven by then (null if none yet) and the relative gap between them.
   */
  readonly timeLimit?: { readonly seconds: number; readonly lowerBound: number | null; readonly gap: number | null };
  readonly intervals: TimeWindow[];
  /** Cost plus shortfall penalty: what the optimizer minimized. */
  readonly objective: number;
  readonly cost: { readonly total: number; readonly energy: number; readonly calls: number };
  readonly shortfallPenalty: number;
  readonly deliveredKW: number[];
  /** Unmet system target per interval (kW); all zero without a target. */
  readonly shortfallKW: number[];
  /** Cost of one more kWh of target in each interval; null when the backend gives no duals (jslp, MIP) or there is no target. */
  readonly marginalCostPerKWh: number[] | null;
  readonly feeders: FeederPlan[];
  readonly resources: ResourcePlan[];
  readonly events: OpenAdrEvent[];
}
