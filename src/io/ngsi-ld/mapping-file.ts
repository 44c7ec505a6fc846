// Reads an NGSI-LD mapping (the --ngsi-ld-mapping file): the schema first, unknown fields refused with their path,
// then what the schema cannot say (known metrics, metrics the named sensors report).
import { configError } from '../../errors.js';
import { METRICS, type SensorKind } from '../../telemetry/metrics.js';
import { fieldErrors } from '../../validation/index.js';
import { NgsiLdMappingSchema, type MappingTarget, type NgsiLdMapping } from './mapping-schema.js';

/** Sensor kinds whose readings a target's sensor can be (a bare sensor id may be any). */
const KINDS_OF: Record<MappingTarget, readonly SensorKind[] | undefined> = {
  sensor: undefined,
  bin: ['bin'],
  feeder: ['feeder-meter'],
  'dr-resource': ['dr-resource'],
};

/** The mapping a JSON document declares; a UF_ERR_CONFIG error naming every wrong field (`entities[1].names: ...`). */
export function parseNgsiLdMapping(json: unknown, origin = 'the NGSI-LD mapping'): NgsiLdMapping {
  const errs = fieldErrors(NgsiLdMappingSchema, json, 10);
  if (errs.length > 0)
    throw configError(`${origin} is invalid:\n  ${errs.map((e) => `${e.path}: ${e.message}`).join('\n  ')}`, {
      errors: errs.map((e) => ({ path: e.path, message: e.message })),
    });
  const mapping = json as NgsiLdMapping;
  mapping.entities.forEach((rule, i) => {
    for (const [attribute, a] of Object.entries(rule.attributes)) {
      const path = `entities[${i}].attributes.${attribute}.metric`;
      const spec = METRICS.find((m) => m.name === a.metric);
      if (!spec)
        throw configError(
          `${origin}: ${path}: unknown metric '${a.metric}' (known: ${METRICS.map((m) => m.name).join(', ')})`,
          { path },
        );
      const kinds = KINDS_OF[rule.names];
      if (kinds && !kinds.includes(spec.sensorKind))
        throw configError(
          `${origin}: ${path}: a ${rule.names}'s sensor does not report '${a.metric}' (a ${spec.sensorKind} metric)`,
          { path },
        );
    }
  });
  return mapping;
}
