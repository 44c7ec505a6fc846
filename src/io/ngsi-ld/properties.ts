// NGSI-LD attribute builders for the entities urbanflow exposes: observed values, forecasts, locations, and the
// keyValues form of an entity.

/** A window result's value: the aggregate of the window [start, end). */
export interface WindowValue {
  value: number;
  start: number;
  end: number;
}

/** A forecast in the unit of the entity's attribute, one value per step from `timestamps`. */
export interface ForecastSeries {
  status: 'ready' | 'fallback';
  method: string;
  stepMs: number;
  timestamps: number[];
  forecast: number[];
  lower80: number[];
  upper80: number[];
  lower95: number[];
  upper95: number[];
  lastObservationMs: number;
}

export type NgsiEntity = { id: string; type: string } & Record<string, unknown>;

const iso = (ms: number) => new Date(ms).toISOString();

/** A measured value: observedAt is the end of the window it aggregates (when the value was complete). */
export function observed(w: WindowValue, unitCode?: string): Record<string, unknown> {
  return {
    type: 'Property',
    value: w.value,
    observedAt: iso(w.end),
    ...(unitCode ? { unitCode } : {}),
  };
}

export function property(value: unknown): Record<string, unknown> {
  return { type: 'Property', value };
}

export function point(lat: number, lon: number): Record<string, unknown> {
  return { type: 'GeoProperty', value: { type: 'Point', coordinates: [lon, lat] } };
}

export function relationship(object: string): Record<string, unknown> {
  return { type: 'Relationship', object };
}

/**
 * A forecast as one Property: its value the steps (`validFrom`, `validTo`, point forecast and the 80 % and 95 %
 * intervals), observedAt the last observation it rests on, and sub-properties saying which model made it.
 */
export function forecastProperty(f: ForecastSeries, unitCode?: string): Record<string, unknown> {
  return {
    type: 'Property',
    value: f.timestamps.map((t, i) => ({
      validFrom: iso(t),
      validTo: iso(t + f.stepMs),
      value: f.forecast[i],
      lower80: f.lower80[i],
      upper80: f.upper80[i],
      lower95: f.lower95[i],
      upper95: f.upper95[i],
    })),
    observedAt: iso(f.lastObservationMs),
    ...(unitCode ? { unitCode } : {}),
    method: property(f.method),
    status: property(f.status),
  };
}

/** The keyValues (simplified) form: each attribute reduced to its value, or a Relationship to its object. */
export function keyValues(e: NgsiEntity): NgsiEntity {
  const out: NgsiEntity = { id: e.id, type: e.type };
  for (const [k, v] of Object.entries(e)) {
    if (k === 'id' || k === 'type' || k === '@context') continue;
    const a = v as { type?: string; value?: unknown; object?: unknown };
    out[k] = a.type === 'Relationship' ? a.object : a.value;
  }
  return out;
}
