// Plain-data request and plan for a contractor's collection day: bins, trucks, depot, disposal sites and the routes out.

export interface LatLon {
  readonly lat: number;
  readonly lon: number;
}

export interface CollectionBin {
  readonly id: string;
  readonly location: LatLon;
  readonly volumeL: number;
  readonly densityKgPerM3: number;
  readonly serviceSeconds: number;
  /** Fill level (0-1) at which the bin must be collected. */
  readonly threshold: number;
  /** Fill level (0-1) now, i.e. what the truck picks up today. */
  readonly fill: number;
  /** Forecast fill level (0-1, may exceed 1) just before the next service day if the bin is skipped today. */
  readonly forecastFill: number;
  /** Minutes after midnight; the truck may arrive early and wait. */
  readonly timeWindow?: { readonly start: number; readonly end: number };
}

export interface CollectionTruck {
  readonly id: string;
  readonly capacityM3: number;
  readonly capacityKg: number;
  readonly shiftMinutes: number;
  /** Paid when the truck is used at all that day; default 0. */
  readonly fixedCost?: number;
  /** Paid per kilometre driven; default 1 (so without costs the plan minimises kilometres). */
  readonly costPerKm?: number;
  /** The vehicle type the truck was made from (set for trucks of `vehicleTypes`). */
  readonly vehicleType?: string;
}

/** A kind of truck of which the depot has `count`: they become trucks `${id}-1` .. `${id}-${count}`. */
export interface CollectionVehicleType {
  readonly id: string;
  readonly count: number;
  readonly capacityM3: number;
  readonly capacityKg: number;
  readonly shiftMinutes: number;
  readonly fixedCost?: number;
  readonly costPerKm?: number;
}

/** Minutes after midnight. */
export interface OpeningHours {
  readonly start: number;
  readonly end: number;
}

export interface DisposalSite {
  readonly id: string;
  readonly location: LatLon;
  readonly unloadMinutes: number;
}

/** A user-supplied travel matrix over node ids (depot, disposal sites and bins); null marks an unreachable pair. */
export interface TravelMatrix {
  readonly ids: readonly string[];
  readonly minutes: readonly (readonly (number | null)[])[];
  readonly km: readonly (readonly (number | null)[])[];
}

export interface CollectionRequest {
  /** Trucks leave the depot no earlier than it opens and are back before it closes. */
  readonly depot: { readonly id: string; readonly location: LatLon; readonly openingHours?: OpeningHours };
  readonly disposalSites: readonly DisposalSite[];
  /** Individual trucks; `vehicleTypes` adds `count` trucks of each type. */
  readonly trucks: readonly CollectionTruck[];
  readonly vehicleTypes?: readonly CollectionVehicleType[];
  readonly bins: readonly CollectionBin[];
  /** Minutes after midnight when the shifts start. */
  readonly shiftStart: number;
  /** Bins at or above this fill level may be collected when it pays; default 0.5. */
  readonly optionalLevel?: number;
  /** Worth of collecting an optional bin at full urgency, in minutes of driving; default 10. */
  readonly optionalValueMinutes?: number;
  /** Straight-line to road distance factor for haversine distances; default 1.3. */
  readonly detourFactor?: number;
  readonly speedKmh?: number;
  readonly matrix?: TravelMatrix;
}

export type StopKind = 'depot' | 'bin' | 'disposal';

export interface PlannedStop {
  readonly kind: StopKind;
  readonly id: string;
  readonly location: LatLon;
  /** Minutes after midnight. */
  readonly arrival: number;
  readonly departure: number;
  /** Load on board after the stop. */
  readonly loadM3: number;
  readonly loadKg: number;
}

export interface TruckPlan {
  readonly truck: string;
  readonly vehicleType?: string;
  /** Fixed cost of the truck plus its cost per km times the distance. */
  readonly cost: number;
  readonly stops: PlannedStop[];
  readonly trips: number;
  readonly distanceKm: number;
  readonly durationMinutes: number;
}

export type UnassignedReason =
  | 'exceeds truck capacity'
  | 'unreachable'
  | 'time window cannot be met'
  | 'no truck time left'
  | 'optional bin not worth the detour';

export interface UnassignedBin {
  readonly bin: string;
  readonly mustCollect: boolean;
  readonly reason: UnassignedReason;
  /** The figures behind the reason, e.g. the earliest arrival against the window's end. */
  readonly detail?: string;
}

export interface CollectionPlan {
  readonly trucks: TruckPlan[];
  readonly unassigned: UnassignedBin[];
  /** Bins that must be collected today (they would pass their threshold before the next service day). */
  readonly mustCollect: string[];
  readonly optional: string[];
  readonly distanceKm: number;
  /** Σ over the trucks used of fixed cost + cost per km × km. */
  readonly cost: number;
}
