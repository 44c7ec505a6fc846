// The dispatch request: event intervals, targets or feeder caps, and the DR resources that can be called.

/** A half-open time span [start, end), ISO 8601 instants. */
export interface TimeWindow {
  readonly start: string;
  readonly end: string;
}

/** Regular intervals: `count` intervals of `intervalMinutes` from `start`. */
export interface RegularEvent {
  readonly start: string;
  readonly intervalMinutes: number;
  readonly count: number;
}

export interface Feeder {
  readonly id: string;
  /** Feeder-cap mode: the feeder's net load must stay at or below this (kW, scalar or per interval). */
  readonly capKW?: number | readonly number[];
  /** Load forecast per interval (kW) without DR; required with capKW. */
  readonly forecastKW?: readonly number[];
  /** Upper limit on the net DR reduction on this feeder per interval (kW), e.g. for protection settings. */
  readonly maxReductionKW?: number;
}

interface ResourceBase {
  readonly id: string;
  readonly feeder?: string;
  /** Cost per kWh of reduction delivered (battery: per kWh discharged). */
  readonly costPerKWh?: number;
  /** Cost each time the resource is called (an off→on transition); makes the model a MIP. */
  readonly costPerCall?: number;
  /** Largest change of the setpoint between consecutive intervals (kW); the event starts from 0. */
  readonly rampKWPerInterval?: number;
  /** The resource may be called only in intervals lying wholly inside one of these windows (sorted, disjoint). */
  readonly availability?: readonly TimeWindow[];
  /** Calls still allowed in the current day or season (the caller subtracts calls already made); a MIP. */
  readonly maxEvents?: number;
}

export interface BatteryResource extends ResourceBase {
  readonly kind: 'battery';
  readonly powerKW: number;
  readonly energyKWh: number;
  readonly socKWh: number;
  readonly minSocKWh?: number;
  /** Round-trip efficiency in (0, 1]; split evenly (square root) between charging and discharging. */
  readonly roundTripEfficiency?: number;
}

export interface HvacResource extends ResourceBase {
  readonly kind: 'hvac';
  readonly shedKW: number;
  /** Longest shed at full depth; any maxDuration + one interval window holds at most maxDuration of shed energy. */
  readonly maxDurationMinutes: number;
  /** Fraction of the shed energy paid back after release. */
  readonly reboundFraction?: number;
  /**
   * The payback of each interval's shed comes at an even rate over this many minutes of wall time after the interval
   * ends (default 60); each later interval takes the part it overlaps, gaps and the time after the plan the rest.
   */
  readonly reboundMinutes?: number;
}

export interface EvResource extends ResourceBase {
  readonly kind: 'ev';
  /** Charging the fleet would draw without DR (kW, scalar or per interval). */
  readonly baselineKW: number | readonly number[];
  readonly maxChargeKW: number;
  /** Most energy that may be owed at any moment (deferred and not yet caught up), kWh. */
  readonly shiftableKWh: number;
  /**
   * By this instant every deferred kWh must have been caught up: nothing is owed from the end of the last interval
   * ending at or before it. A deadline at the event end is inside the plan (nothing owed when it ends); only a later
   * one leaves the catch-up to after the plan.
   */
  readonly deadline: string;
}

export interface IndustrialResource extends ResourceBase {
  readonly kind: 'industrial';
  /** Curtailment depth when called: between minKW (a MIP when > 0) and maxKW. */
  readonly minKW?: number;
  readonly maxKW: number;
  /** Intervals starting before issuedAt + notice cannot be called. */
  readonly noticeMinutes?: number;
  /** Once called, stays curtailed at least this long (a MIP). */
  readonly minRunMinutes?: number;
}

export type DrResource = BatteryResource | HvacResource | EvResource | IndustrialResource;

export interface DispatchRequest {
  /** When the plan is requested; notice times count from here. Defaults to the first interval's start. */
  readonly issuedAt?: string;
  readonly programId?: string;
  /** Either a regular event or explicit intervals (sorted, non-overlapping). */
  readonly event?: RegularEvent;
  readonly intervals?: readonly TimeWindow[];
  /** System-wide net reduction target per interval (kW); a zero target asks for nothing, so rebound may land there. */
  readonly targetKW?: readonly number[];
  readonly feeders?: readonly Feeder[];
  /** Penalty per kWh of unmet target or cap excess; default 1000. */
  readonly shortfallPenaltyPerKWh?: number;
  /** Relative gap at which a MIP plan (call decisions) is accepted; default 0.005. LPs are always solved to optimality. */
  readonly mipGap?: number;
  /** Wall-clock budget of the solve; when it runs out the best plan found is returned with its proven bound (plan.timeLimit). Default 120. */
  readonly timeLimitSeconds?: number;
  readonly resources: readonly DrResource[];
}
