// Contract of contractor collection plans: a custom routing request and the per-truck plan (GeoJSON and GPX on request).
import { Type } from '@sinclair/typebox';
import { CalendarDate } from '../../formats.js';

const Num = Type.Number();
const LatLon = Type.Object(
  { lat: Type.Number({ minimum: -90, maximum: 90 }), lon: Type.Number({ minimum: -180, maximum: 180 }) },
  { additionalProperties: false },
);
const Minutes = Type.Number({ minimum: 0, maximum: 2880, description: 'minutes after local midnight' });
const NodeId = Type.String({ minLength: 1, maxLength: 128 });
/** Sites, trucks and bins copied from the city file may keep its other fields (name, depot, sensor, area): they are ignored. */
const CityField = Type.Optional(Type.String({ maxLength: 200 }));
const CLOSED = { additionalProperties: false };
/** What a truck carries, how long it may drive and what running it costs: a listed truck's and a vehicle type's. */
const TruckSpec = {
  capacityM3: Type.Number({ exclusiveMinimum: 0, maximum: 200 }),
  capacityKg: Type.Number({ exclusiveMinimum: 0, maximum: 100_000 }),
  shiftMinutes: Type.Number({ exclusiveMinimum: 0, maximum: 1440 }),
  fixedCost: Type.Optional(Type.Number({ minimum: 0, maximum: 1e7, description: 'paid per day the truck is used' })),
  costPerKm: Type.Optional(Type.Number({ minimum: 0, maximum: 1e4, description: 'paid per km driven; default 1' })),
};
// Physical bounds: a value outside them is a 400 naming the field before the solver sees it.
const Matrix = (max: number, unit: string) =>
  Type.Array(Type.Array(Type.Union([Type.Number({ minimum: 0, maximum: max, description: unit }), Type.Null()])));

export const RoutingRequest = Type.Object(
  {
    date: CalendarDate({ description: 'service day (YYYY-MM-DD), used for GPX times' }),
    depot: Type.Object(
      {
        id: NodeId,
        location: LatLon,
        openingHours: Type.Optional(
          Type.Object(
            { start: Minutes, end: Minutes },
            { additionalProperties: false, description: 'trucks leave no earlier and are back before it closes' },
          ),
        ),
      },
      { additionalProperties: false },
    ),
    disposalSites: Type.Array(
      Type.Object(
        { id: NodeId, name: CityField, location: LatLon, unloadMinutes: Type.Number({ minimum: 0, maximum: 600 }) },
        CLOSED,
      ),
      { minItems: 1, maxItems: 100 },
    ),
    trucks: Type.Array(
      Type.Object(
        {
          id: NodeId,
          depot: CityField,
          ...TruckSpec,
        },
        CLOSED,
      ),
      { maxItems: 500, description: 'individual trucks; with vehicleTypes, at least one truck in all' },
    ),
    vehicleTypes: Type.Optional(
      Type.Array(
        Type.Object(
          {
            id: NodeId,
            count: Type.Integer({ minimum: 0, maximum: 500 }),
            ...TruckSpec,
          },
          { additionalProperties: false, description: 'count trucks of this kind, named id-1 .. id-count' },
        ),
        { maxItems: 50, description: "the depot's fleet by type; overrides the city's fleet for this plan" },
      ),
    ),
    bins: Type.Array(
      Type.Object(
        {
          id: NodeId,
          name: CityField,
          sensor: CityField,
          area: CityField,
          location: LatLon,
          volumeL: Type.Number({ exclusiveMinimum: 0, maximum: 50_000 }),
          densityKgPerM3: Type.Number({ exclusiveMinimum: 0, maximum: 3000 }),
          serviceSeconds: Type.Number({ minimum: 0, maximum: 7200 }),
          threshold: Type.Number({ minimum: 0, maximum: 1 }),
          fill: Type.Number({ minimum: 0, maximum: 2 }),
          forecastFill: Type.Number({ minimum: 0, maximum: 10 }),
          timeWindow: Type.Optional(Type.Object({ start: Minutes, end: Minutes }, { additionalProperties: false })),
        },
        CLOSED,
      ),
      { maxItems: 20_000 },
    ),
    shiftStart: Minutes,
    optionalLevel: Type.Optional(Type.Number({ minimum: 0, maximum: 1 })),
    optionalValueMinutes: Type.Optional(Type.Number({ minimum: 0, maximum: 2880 })),
    detourFactor: Type.Optional(Type.Number({ minimum: 1, maximum: 5 })),
    speedKmh: Type.Optional(Type.Number({ exclusiveMinimum: 0, maximum: 200 })),
    matrix: Type.Optional(
      Type.Object(
        { ids: Type.Array(NodeId), minutes: Matrix(10_000, 'minutes'), km: Matrix(10_000, 'km') },
        { additionalProperties: false },
      ),
    ),
    timeLimitSeconds: Type.Optional(
      Type.Number({ exclusiveMinimum: 0, maximum: 120, default: 5, description: 'search budget of the route solver' }),
    ),
    seed: Type.Optional(
      Type.Integer({ minimum: 0, maximum: 2 ** 32 - 1, description: 'a seed fixes the result for a given budget' }),
    ),
  },
  {
    additionalProperties: false,
    description: "A contractor's collection day: depot, disposal sites, trucks and bins with fill levels and forecasts",
  },
);

export const GeoJson = Type.Object(
  {
    type: Type.Literal('FeatureCollection'),
    features: Type.Array(
      Type.Object({
        type: Type.Literal('Feature'),
        geometry: Type.Object({}, { additionalProperties: true }),
        properties: Type.Record(Type.String(), Type.Union([Type.String(), Num])),
      }),
    ),
  },
  { description: 'route LineStrings and stop Points (RFC 7946)' },
);
