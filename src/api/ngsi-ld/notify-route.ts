// POST /v1/ngsi-ld/notify: the endpoint of NGSI-LD subscriptions. Entities become readings by the mapping and enter
// the engine like POST /v1/telemetry's; what cannot be mapped is a dead letter naming the entity and attribute.
import type { Static } from '@sinclair/typebox';
import type { FastifyPluginAsync } from 'fastify';
import {
  cityLookup,
  LD_JSON,
  NotificationSchema,
  notificationReadings,
  type NgsiLdMapping,
  type SensorLookup,
} from '../../io/ngsi-ld/index.js';
import { encodeBatch } from '../../telemetry/index.js';
import { allow, principal } from '../access/index.js';
import type { ApiContext } from '../context.js';
import { addJsonParser } from '../json-body.js';
import { countIngest, countRefusedIngest, ingestMessage, refuseWhileDraining } from '../message-ingest.js';
import { routeOptions } from '../route-options.js';
import { useNgsiLdProblemTypes } from './problems.js';
import { NotifyAnswer } from './schemas.js';

export function ngsiLdNotifyRoute(ctx: ApiContext, mapping: NgsiLdMapping): FastifyPluginAsync {
  // Sensor lookups follow the city the pipeline runs (city changes through the API replace it).
  let lookup: { city: unknown; of: SensorLookup } | undefined;
  const lookupOf = (): SensorLookup => {
    const city = ctx.city.city;
    if (lookup?.city !== city) lookup = { city, of: cityLookup(city) };
    return lookup.of;
  };
  return async (app) => {
    addJsonParser(app, LD_JSON);
    useNgsiLdProblemTypes(app);
    app.post<{ Body: Static<typeof NotificationSchema> }>(
      '/ngsi-ld/notify',
      {
        bodyLimit: ctx.limits.ingestBodyBytes,
        onResponse: countRefusedIngest(ctx),
        ...routeOptions(allow('device', 'operator'), ['ngsi-ld'])({
          summary: 'Take an NGSI-LD notification (a subscription endpoint): entities into readings',
          description:
            'The body is a notification of ETSI GS CIM 009 (application/ld+json or application/json) whose entities (TrafficFlowObserved, WasteContainer, ElectricityMeter; ' +
            'normalized or keyValues) are mapped to readings by the NGSI-LD mapping (`urbanflow run --ngsi-ld-mapping`). Readings go through the validation, dead ' +
            'letters and counters of POST /v1/telemetry; an entity of an unmapped type, an id naming nothing in the city or a bad value is a dead letter with ' +
            'the reason, the entity id and the attribute, and the others are kept. A device or operator key may post.',
          consumes: [LD_JSON, 'application/json'],
          body: NotificationSchema,
          ok: { 202: NotifyAnswer },
          errors: [400, 413, 415, 503],
        }),
      },
      async (request, reply) => {
        refuseWhileDraining(ctx);
        const source = `http:${principal(request).keyId}`;
        const mapped = notificationReadings(request.body, mapping, lookupOf());
        const dead = ctx.pipeline.deadLetters;
        const byReason: Record<string, number> = {};
        for (const r of mapped.rejected) {
          dead.add({ ...r, source });
          byReason[r.reason] = (byReason[r.reason] ?? 0) + 1;
        }
        let accepted = 0;
        let engineDead = 0;
        if (mapped.readings.length > 0) {
          const counts = await ingestMessage(ctx, encodeBatch(mapped.readings), source);
          engineDead = counts.deadLettered;
          accepted = mapped.readings.length - engineDead;
          for (const [reason, n] of Object.entries(counts.byReason)) byReason[reason] = (byReason[reason] ?? 0) + n;
        }
        const readings = mapped.readings.length + mapped.rejected.length;
        const deadLettered = mapped.rejected.length + engineDead;
        countIngest(ctx, readings, deadLettered);
        return reply.code(202).send({
          entities: request.body.data.length,
          readings,
          accepted,
          deadLettered,
          deadLettersByReason: byReason,
          timedByNotification: mapped.timedByNotification,
        });
      },
    );
  };
}
