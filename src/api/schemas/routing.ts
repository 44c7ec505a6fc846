// Contract of contractor collection plans: a custom routing request and the per-truck plan (GeoJSON and GPX on request).
import { Type } from '@sinclair/typebox';
import { CalendarDate } from '../../formats.js';

const Num = Type.Number();
const LatLon = Type.Object({ lat: Type.Number({ minimum: -90, maximum: 90 }), lon: Type.Number({ minimum: -180, maximum: 180 }) }, { additionalProperties: false });
const Minutes = Type.Number({ minimum: 0, maximum: 2880, description: 'minutes after local midnight' });
const NodeId = Type.String({ minLength: 1, maxLength: 128 });
/** Sites, trucks and bins copied from the city file may keep its other fields (name, depot, sensor, area): they are ignored. */
const CITY_FIELDS = { additionalProperties: true };
const Matrix = Type.Array(Type.Array(Type.Union([Num, Type.Null()])));

export const RoutingRequest = Type.Object(
  {
    date: CalendarDate({ description: 'service day (YYYY-MM-DD), used for GPX times' }),
    depot: Type.Object({ id: NodeId, location: LatLon }, { additionalProperties: false }),
    disposalSites: Type.Array(Type.Object({ id: NodeId, location: LatLon, unloadMinutes: Type.Number({ minimum: 0 }) }, CITY_FIELDS), { minItems: 1 }),
    trucks: Type.Array(
      Type.Object({ id: NodeId, capacityM3: Type.Number({ exclusiveMinimum: 0 }), capacityKg: Type.Number({ exclusiveMinimum: 0 }), shiftMinutes: Type.Number({ exclusiveMinimum: 0, maximum: 1440 }) }, CITY_FIELDS),
      { minItems: 1, maxItems: 500 },
    ),
    bins: Type.Array(
      Type.Object(
        {
          id: NodeId,
          location: LatLon,
          volumeL: Type.Number({ exclusiveMinimum: 0 }),
          densityKgPerM3: Type.Number({ exclusiveMinimum: 0 }),
          serviceSeconds: Type.Number({ minimum: 0 }),
          threshold: Type.Number({ minimum: 0, maximum: 1 }),
          fill: Type.Number({ minimum: 0, maximum: 2 }),
          forecastFill: Type.Number({ minimum: 0, maximum: 10 }),
          timeWindow: Type.Optional(Type.Object({ start: Minutes, end: Minutes }, { additionalProperties: false })),
        },
        CITY_FIELDS,
      ),
      { maxItems: 20_000 },
    ),
    shiftStart: Minutes,
    optionalLevel: Type.Optional(Type.Number({ minimum: 0, maximum: 1 })),
    optionalValueMinutes: Type.Optional(Type.Number({ minimum: 0 })),
    detourFactor: Type.Optional(Type.Number({ minimum: 1, maximum: 5 })),
    speedKmh: Type.Optional(Type.Number({ exclusiveMinimum: 0, maximum: 200 })),
    matrix: Type.Optional(Type.Object({ ids: Type.Array(NodeId), minutes: Matrix, km: Matrix }, { additionalProperties: false })),
    timeLimitSeconds: Type.Optional(Type.Number({ exclusiveMinimum: 0, maximum: 120, default: 5, description: 'search budget of the route solver' })),
    seed: Type.Optional(Type.Integer({ description: 'a seed fixes the result for a given budget' })),
  },
  { additionalProperties: false, description: "A contractor's collection day: depot, disposal sites, trucks and bins with fill levels and forecasts" },
);

const Stop = Type.Object({
  kind: Type.Union([Type.Literal('depot'), Type.Literal('bin'), Type.Literal('disposal')]),
  id: Type.String(),
  location: Type.Object({ lat: Num, lon: Num }),
  arrival: Num,
  departure: Num,
  loadM3: Num,
  loadKg: Num,
});

export const CollectionPlan = Type.Object({
  trucks: Type.Array(Type.Object({ truck: Type.String(), stops: Type.Array(Stop), trips: Type.Integer(), distanceKm: Num, durationMinutes: Num })),
  unassigned: Type.Array(Type.Object({ bin: Type.String(), mustCollect: Type.Boolean(), reason: Type.String() })),
  mustCollect: Type.Array(Type.String()),
  optional: Type.Array(Type.String()),
  distanceKm: Num,
});

export const GeoJson = Type.Object(
  { type: Type.Literal('FeatureCollection'), features: Type.Array(Type.Object({ type: Type.Literal('Feature'), geometry: Type.Object({}, { additionalProperties: true }), properties: Type.Record(Type.String(), Type.Union([Type.String(), Num])) })) },
  { description: 'route LineStrings and stop Points (RFC 7946)' },
);
