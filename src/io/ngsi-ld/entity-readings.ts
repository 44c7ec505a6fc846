// One NGSI-LD entity of a notification into readings by the mapping: each refusal says why, with the entity and attribute.
import { isDateTime } from '../../formats.js';
import type { DeadLetterReason } from '../../telemetry/dead-letter.js';
import { METRICS } from '../../telemetry/metrics.js';
import type { Reading } from '../../telemetry/reading.js';
import { attributeValue, dateTimeText } from './attribute-value.js';
import type { SensorLookup, SensorRef } from './city-lookup.js';
import { shortTerm } from './context.js';
import { parseEntityId } from './entity-id.js';
import type { EntityRule, NgsiLdMapping } from './mapping-schema.js';

export interface EntityRejection {
  reason: DeadLetterReason;
  detail: string;
  entity?: string;
  attribute?: string;
  sensor?: string;
  metric?: string;
  ts?: number;
  value?: unknown;
}

export interface EntityOutcome {
  readings: Reading[];
  rejected: EntityRejection[];
  /** Readings whose time is the notification's notifiedAt: the entity said nothing of when it was observed. */
  timedByNotification: number;
}

function isObject(v: unknown): v is Record<string, unknown> {
  return typeof v === 'object' && v !== null && !Array.isArray(v);
}

/** The city id a rule's template finds in an entity's local id (`santander:{id}` on `santander:bin-7` is `bin-7`). */
function cityIdOf(rule: EntityRule, localId: string): string | undefined {
  const template = rule.idTemplate ?? '{id}';
  const at = template.indexOf('{id}');
  const before = template.slice(0, at);
  const after = template.slice(at + 4);
  if (localId.length <= before.length + after.length) return undefined;
  if (!localId.startsWith(before) || !localId.endsWith(after)) return undefined;
  return localId.slice(before.length, localId.length - after.length);
}

/** When the entity as a whole was observed (dateObservedTo, else dateObserved), for attributes without observedAt. */
function entityTime(entity: Record<string, unknown>): string | undefined {
  for (const [key, raw] of Object.entries(entity)) if (shortTerm(key) === 'dateObservedTo') return dateTimeText(raw);
  for (const [key, raw] of Object.entries(entity)) if (shortTerm(key) === 'dateObserved') return dateTimeText(raw);
  return undefined;
}

/**
 * Readings of one entity (`path` names it in the notification, e.g. `data[2]`). Attributes the rule does not map are
 * ignored, as are mapped ones the entity does not carry (a notification may carry only the attributes that changed).
 */
export function entityReadings(
  entity: unknown,
  path: string,
  mapping: NgsiLdMapping,
  lookup: SensorLookup,
  notifiedAtMs: number,
): EntityOutcome {
  const out: EntityOutcome = { readings: [], rejected: [], timedByNotification: 0 };
  if (!isObject(entity) || typeof entity.id !== 'string' || entity.id.length === 0) {
    out.rejected.push({
      reason: 'malformed',
      detail: `${path}: an entity must be an object with a text id and a type`,
    });
    return out;
  }
  const id = entity.id;
  const types = (Array.isArray(entity.type) ? entity.type : [entity.type]).filter(
    (t): t is string => typeof t === 'string',
  );
  if (types.length === 0) {
    out.rejected.push({ reason: 'malformed', detail: `${path}: entity ${id} has no type`, entity: id });
    return out;
  }
  const shortTypes = types.map(shortTerm);
  const rules = mapping.entities.filter((r) => shortTypes.includes(r.type));
  if (rules.length === 0) {
    const known = [...new Set(mapping.entities.map((r) => r.type))].join(', ');
    out.rejected.push({
      reason: 'unknown-entity',
      detail: `${path}: no mapping for entity type ${shortTypes.join(', ')} (mapped types: ${known})`,
      entity: id,
    });
    return out;
  }
  const localId = parseEntityId(id)?.localId ?? id;
  let rule: EntityRule | undefined;
  let target: SensorRef | undefined;
  for (const r of rules) {
    const cityId = cityIdOf(r, localId);
    target = cityId === undefined ? undefined : lookup(r.names, cityId);
    if (target) {
      rule = r;
      break;
    }
  }
  if (!rule || !target) {
    const tried = rules.map((r) => `a ${r.names} as ${r.idTemplate ?? '{id}'}`).join(', or ');
    out.rejected.push({
      reason: 'unknown-sensor',
      detail: `${path}: entity ${id} names nothing in the city model (its id was read as ${tried})`,
      entity: id,
    });
    return out;
  }
  const fallbackTime = entityTime(entity);
  for (const [key, raw] of Object.entries(entity)) {
    const attribute = shortTerm(key);
    const a = Object.hasOwn(rule.attributes, attribute) ? rule.attributes[attribute] : undefined;
    if (!a) continue;
    const base = { entity: id, attribute, sensor: target.sensor, metric: a.metric };
    const refuse = (reason: DeadLetterReason, detail: string, extra: { ts?: number; value?: unknown } = {}) =>
      out.rejected.push({ reason, detail: `${path}.${key}: ${detail}`, ...base, ...extra });
    const spec = METRICS.find((m) => m.name === a.metric)!;
    if (spec.sensorKind !== target.kind) {
      refuse('metric-not-for-sensor', `a ${target.kind} sensor (${target.sensor}) does not report '${a.metric}'`);
      continue;
    }
    const parsed = attributeValue(raw);
    if ('problem' in parsed) {
      refuse('bad-type', parsed.problem, { value: raw });
      continue;
    }
    for (const p of parsed.instances) {
      let factor = a.scale ?? 1;
      if (a.unitCodes && p.unitCode !== undefined) {
        const unit = Object.hasOwn(a.unitCodes, p.unitCode) ? a.unitCodes[p.unitCode] : undefined;
        if (unit === undefined) {
          refuse('bad-type', `unitCode ${p.unitCode} is none of ${Object.keys(a.unitCodes).join(', ')}`, {
            value: p.value,
          });
          continue;
        }
        factor *= unit;
      }
      const text = p.observedAt ?? fallbackTime;
      const ts = text === undefined ? notifiedAtMs : isDateTime(text) ? Date.parse(text) : NaN;
      if (!Number.isFinite(ts)) {
        refuse(
          'bad-type',
          `observation time '${text}' is not an RFC 3339 date-time with a zone (e.g. 2026-06-03T08:00:00Z)`,
          { value: p.value },
        );
        continue;
      }
      const value = p.value * factor;
      if (!Number.isFinite(value)) {
        refuse('non-finite', `value ${p.value} times ${factor} is not finite`, { ts, value: p.value });
        continue;
      }
      if (value < spec.min || value > spec.max) {
        refuse('out-of-range', `${spec.name} must be within [${spec.min}, ${spec.max}] ${spec.unit}, got ${value}`, {
          ts,
          value,
        });
        continue;
      }
      if (text === undefined) out.timedByNotification++;
      out.readings.push({ sensor: target.sensor, metric: a.metric, ts, value });
    }
  }
  return out;
}
