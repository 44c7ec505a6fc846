// Deprecated spellings of city file fields (`costPerKwh`, `shedKw`, `maxDurationMin`, …): still read, renamed to the
// one spelling the dispatch request, the API and the docs use (`costPerKWh`, `shedKW`, `maxDurationMinutes`), and
// reported so files and clients can be updated.

/** Old DR resource field names and the names that replace them. */
export const DEPRECATED_RESOURCE_FIELDS: Readonly<Record<string, string>> = {
  costPerKwh: 'costPerKWh',
  rampKwPerMin: 'rampKWPerMinute',
  powerKw: 'powerKW',
  energyKwh: 'energyKWh',
  shedKw: 'shedKW',
  maxDurationMin: 'maxDurationMinutes',
  reboundFactor: 'reboundFraction',
  reboundDurationMin: 'reboundMinutes',
  maxPowerKw: 'maxChargeKW',
  shiftableKwh: 'shiftableKWh',
  minKw: 'minKW',
  maxKw: 'maxKW',
  noticeMin: 'noticeMinutes',
  minRunMin: 'minRunMinutes',
};

/** Old feeder field names and the names that replace them. */
export const DEPRECATED_FEEDER_FIELDS: Readonly<Record<string, string>> = { capacityKw: 'capacityKW' };

type Obj = Record<string, unknown>;

function isObj(v: unknown): v is Obj {
  return typeof v === 'object' && v !== null && !Array.isArray(v);
}

/** Counts uses of each old name, so a whole old city file gives one line per name, not one per resource. */
class Uses {
  private readonly seen = new Map<string, { replacement: string; count: number; first: string }>();

  add(old: string, replacement: string, path: string): void {
    const u = this.seen.get(old);
    if (u) u.count++;
    else this.seen.set(old, { replacement, count: 1, first: path });
  }

  messages(): string[] {
    return [...this.seen].map(
      ([old, u]) =>
        `${u.first}: "${old}" is deprecated, use "${u.replacement}"${u.count > 1 ? ` (${u.count} places use "${old}")` : ''}`,
    );
  }
}

/**
 * A copy of `o` with every old name in `table` renamed. A field given under both names keeps both, so the schema
 * refuses the old one as unknown rather than one value being silently dropped.
 */
function renamed(o: Obj, table: Readonly<Record<string, string>>, path: string, uses: Uses): Obj {
  if (!Object.keys(o).some((k) => k in table && !(table[k] in o))) return o;
  const out: Obj = {};
  for (const [k, v] of Object.entries(o)) {
    const now = table[k];
    if (now !== undefined && !(now in o)) {
      out[now] = v;
      uses.add(k, now, path ? `${path}.${k}` : k);
    } else out[k] = v;
  }
  return out;
}

/** A DR resource body (e.g. of `PUT /v1/city/feeders/{f}/resources/{id}`) with old names renamed, and the deprecations. */
export function currentResourceSpelling(value: unknown, path = ''): { value: unknown; deprecations: string[] } {
  if (!isObj(value)) return { value, deprecations: [] };
  const uses = new Uses();
  return { value: renamed(value, DEPRECATED_RESOURCE_FIELDS, path, uses), deprecations: uses.messages() };
}

function feeder(f: unknown, path: string, uses: Uses): unknown {
  if (!isObj(f)) return f;
  const out = renamed(f, DEPRECATED_FEEDER_FIELDS, path, uses);
  if (!Array.isArray(out.resources)) return out;
  const resources = out.resources.map((r: unknown, i) =>
    isObj(r) ? renamed(r, DEPRECATED_RESOURCE_FIELDS, `${path}.resources[${i}]`, uses) : r,
  );
  return resources.some((r, i) => r !== (out.resources as unknown[])[i]) ? { ...out, resources } : out;
}

/** A feeder body (e.g. of `PUT /v1/city/feeders/{id}`) with old names renamed, and the deprecations. */
export function currentFeederSpelling(value: unknown, path = ''): { value: unknown; deprecations: string[] } {
  const uses = new Uses();
  return { value: feeder(value, path, uses), deprecations: uses.messages() };
}

/** A parsed city file with old names renamed (the input is not changed), and one deprecation line per old name used. */
export function currentCitySpelling(value: unknown): { value: unknown; deprecations: string[] } {
  if (!isObj(value) || !Array.isArray(value.feeders)) return { value, deprecations: [] };
  const uses = new Uses();
  const feeders = value.feeders.map((f: unknown, i) => feeder(f, `feeders[${i}]`, uses));
  const changed = feeders.some((f, i) => f !== (value.feeders as unknown[])[i]);
  return { value: changed ? { ...value, feeders } : value, deprecations: uses.messages() };
}
