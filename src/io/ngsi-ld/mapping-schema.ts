// The NGSI-LD mapping file's schema (TypeBox): which entity type and attribute become which urbanflow metric, how an
// entity id names a city sensor, and how units scale. The one contract of `--ngsi-ld-mapping` and the built-in default.
import { Type, type Static } from '@sinclair/typebox';

const Name = Type.String({
  minLength: 1,
  maxLength: 256,
  pattern: '^\\S+$',
  errorMessage: 'must be a name without spaces (the short term of the context, e.g. fillingLevel)',
});

const Factor = Type.Number({ exclusiveMinimum: 0, maximum: 1e9 });

export const AttributeRule = Type.Object(
  {
    metric: Type.String({ minLength: 1, description: 'the urbanflow metric the attribute measures, e.g. bin.fill' }),
    scale: Type.Optional(
      Type.Number({
        exclusiveMinimum: 0,
        maximum: 1e9,
        description:
          'multiplies the value into the metric unit (default 1), e.g. 0.01 for a percentage into a fraction',
      }),
    ),
    unitCodes: Type.Optional(
      Type.Record(Type.String({ minLength: 1, maxLength: 8 }), Factor, {
        description:
          'factor per UN/CEFACT unitCode the Property may carry (e.g. {"KWT": 1, "WTT": 0.001}); with this list a unitCode not in it is refused, without it unitCode is ignored',
      }),
    ),
  },
  { additionalProperties: false },
);

const TARGETS = ['sensor', 'bin', 'feeder', 'dr-resource'] as const;

export const EntityRule = Type.Object(
  {
    type: Name,
    names: Type.Union(
      TARGETS.map((t) => Type.Literal(t)),
      {
        description:
          'what the entity id names in the city: a sensor id, or the id of a bin, feeder or DR resource whose sensor reports',
      },
    ),
    idTemplate: Type.Optional(
      Type.String({
        minLength: 4,
        maxLength: 256,
        pattern: '^[^{}]*\\{id\\}[^{}]*$',
        errorMessage: 'must contain {id} once, e.g. "santander:{id}"',
        description:
          'how the local part of the entity id (after urn:ngsi-ld:<Type>:) spells the city id; default "{id}"',
      }),
    ),
    attributes: Type.Record(Name, AttributeRule, { minProperties: 1 }),
  },
  { additionalProperties: false },
);

export const NgsiLdMappingSchema = Type.Object(
  {
    entities: Type.Array(EntityRule, {
      minItems: 1,
      maxItems: 256,
      description:
        'rules in order; an entity takes the first rule of its type whose id names an object of the city (so one type may name feeders and DR resources)',
    }),
  },
  { additionalProperties: false, description: 'How NGSI-LD entities of notifications become urbanflow readings' },
);

export type AttributeRule = Static<typeof AttributeRule>;
export type EntityRule = Static<typeof EntityRule>;
export type NgsiLdMapping = Static<typeof NgsiLdMappingSchema>;
export type MappingTarget = (typeof TARGETS)[number];
