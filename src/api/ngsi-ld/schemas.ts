// TypeBox schemas of the NGSI-LD routes: entity queries, entities, the notification answer.
import { Type, type Static } from '@sinclair/typebox';

/**
 * Comma-separated terms of printable ASCII (URIs and names), so that the longest list, percent-encoded, stays well
 * within the request line Node's HTTP parser accepts (a longer one would be refused with 431 before any route).
 */
const TERM = '[!-+\\--~]+';
const TERM_LIST = `^${TERM}(,${TERM})*$`;

/** NGSI-LD's page size bound (ETSI GS CIM 009 leaves the maximum to the broker). */
const MAX_PAGE = 1000;

const Options = Type.Optional(
  Type.String({
    pattern: '^(keyValues|normalized|simplified)(,(keyValues|normalized|simplified))*$',
    description: 'keyValues (also simplified): each attribute as its bare value; normalized (default): full Properties',
  }),
);

export const EntitiesQuery = Type.Object(
  {
    type: Type.Optional(
      Type.String({
        pattern: TERM_LIST,
        maxLength: 512,
        description:
          'entity types, comma-separated: WasteContainer, TrafficFlowObserved, ElectricityMeter (short names or expanded IRIs); default every type your role reads',
      }),
    ),
    id: Type.Optional(
      Type.String({
        pattern: TERM_LIST,
        maxLength: 2048,
        description: 'entity ids (urn:ngsi-ld:<Type>:<id>), comma-separated',
      }),
    ),
    limit: Type.Integer({ minimum: 0, maximum: MAX_PAGE, default: 20, description: 'entities per page' }),
    offset: Type.Integer({ minimum: 0, default: 0, description: 'entities to skip' }),
    count: Type.Boolean({
      default: false,
      description: 'true: the total matching the query in the NGSILD-Results-Count header',
    }),
    options: Options,
  },
  { additionalProperties: false },
);
export type EntitiesQuery = Static<typeof EntitiesQuery>;

export const EntityQuery = Type.Object({ options: Options }, { additionalProperties: false });
export type EntityQuery = Static<typeof EntityQuery>;

export const EntityParams = Type.Object({
  entityId: Type.String({
    minLength: 3,
    maxLength: 300,
    pattern: '^[A-Za-z][A-Za-z0-9+.-]*:\\S+$',
    errorMessage: 'must be an entity id URI, e.g. urn:ngsi-ld:WasteContainer:bin-0001',
  }),
});
export type EntityParams = Static<typeof EntityParams>;

export const Entity = Type.Object(
  {
    id: Type.String({ description: 'urn:ngsi-ld:<Type>:<city id>' }),
    type: Type.String(),
    '@context': Type.Optional(
      Type.Array(Type.String(), {
        description: 'application/ld+json only; application/json names it in a Link header',
      }),
    ),
  },
  {
    additionalProperties: true,
    description:
      'An NGSI-LD entity: Properties (type, value, observedAt, unitCode), a GeoProperty location, Relationships; forecasts as <attribute>Forecast Properties',
  },
);

export const NotifyAnswer = Type.Object({
  entities: Type.Integer({ description: 'entities in the notification' }),
  readings: Type.Integer({ description: 'readings the mapped attributes gave, and records refused before that' }),
  accepted: Type.Integer({ description: 'readings that passed validation and entered the pipeline' }),
  deadLettered: Type.Integer({ description: 'records refused, see GET /v1/dead-letters (entity id and attribute)' }),
  deadLettersByReason: Type.Record(Type.String(), Type.Integer()),
  timedByNotification: Type.Integer({
    description: 'readings whose entity had no observedAt or dateObserved, timed by notifiedAt',
  }),
});
