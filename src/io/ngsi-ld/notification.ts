// The NGSI-LD notification (ETSI GS CIM 009, 5.3.1) a context broker posts to a subscription's endpoint, and its readings.
import { Type, type Static } from '@sinclair/typebox';
import { DateTime } from '../../formats.js';
import type { SensorLookup } from './city-lookup.js';
import { entityReadings, type EntityOutcome } from './entity-readings.js';
import type { NgsiLdMapping } from './mapping-schema.js';

/** Entities in one notification; a broker batches more into several notifications. */
const MAX_NOTIFIED_ENTITIES = 10_000;

export const NotificationSchema = Type.Object(
  {
    id: Type.String({ minLength: 1, maxLength: 1024, description: 'URI of this notification' }),
    type: Type.Literal('Notification'),
    subscriptionId: Type.String({ minLength: 1, maxLength: 1024, description: 'URI of the subscription' }),
    notifiedAt: DateTime({ description: 'when the broker sent it; the time of readings whose entity tells none' }),
    data: Type.Array(Type.Unknown(), {
      maxItems: MAX_NOTIFIED_ENTITIES,
      description:
        'entities, normalized (Properties with value, observedAt, unitCode) or keyValues; one that cannot be mapped is a dead letter with the reason, never a refusal of the others',
    }),
    triggerReason: Type.Optional(Type.String({ description: 'why the broker notified (NGSI-LD 1.6 and later)' })),
    '@context': Type.Optional(
      Type.Unknown({
        description: 'the JSON-LD context (application/ld+json); terms are matched by their short names',
      }),
    ),
  },
  { additionalProperties: false },
);
export type Notification = Static<typeof NotificationSchema>;

/** Every entity of a notification through the mapping: the readings, the refusals and how many were timed by notifiedAt. */
export function notificationReadings(n: Notification, mapping: NgsiLdMapping, lookup: SensorLookup): EntityOutcome {
  const notifiedAtMs = Date.parse(n.notifiedAt);
  const all: EntityOutcome = { readings: [], rejected: [], timedByNotification: 0 };
  n.data.forEach((entity, i) => {
    const one = entityReadings(entity, `data[${i}]`, mapping, lookup, notifiedAtMs);
    all.readings.push(...one.readings);
    all.rejected.push(...one.rejected);
    all.timedByNotification += one.timedByNotification;
  });
  return all;
}
