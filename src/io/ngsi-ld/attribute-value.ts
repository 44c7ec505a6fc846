// An NGSI-LD attribute's numeric instances, whatever form it came in: normalized Properties (`{type: "Property",
// value, observedAt, unitCode}`, several with datasetIds as an array), concise (`{value, ...}`) or keyValues (a number).
import { shortTerm } from './context.js';

export interface PropertyInstance {
  value: number;
  observedAt?: string;
  unitCode?: string;
}

export type AttributeValue = { instances: PropertyInstance[] } | { problem: string };

function isObject(v: unknown): v is Record<string, unknown> {
  return typeof v === 'object' && v !== null && !Array.isArray(v);
}

function describe(v: unknown): string {
  const text = JSON.stringify(v) ?? String(v);
  return text.length > 80 ? `${text.slice(0, 77)}...` : text;
}

function instanceOf(v: unknown): PropertyInstance | string {
  if (typeof v === 'number') return { value: v };
  if (!isObject(v)) return `is ${describe(v)}, not a number or a Property`;
  if (v.type !== undefined && shortTerm(String(v.type)) !== 'Property')
    return `is a ${String(v.type)}, not a Property with a number value`;
  if (!('value' in v)) return 'is a Property without a value';
  if (typeof v.value !== 'number') return `has the value ${describe(v.value)}, not a number`;
  if (v.observedAt !== undefined && typeof v.observedAt !== 'string')
    return `has observedAt ${describe(v.observedAt)}, not a date-time text`;
  if (v.unitCode !== undefined && typeof v.unitCode !== 'string')
    return `has unitCode ${describe(v.unitCode)}, not a UN/CEFACT code`;
  return {
    value: v.value,
    ...(v.observedAt === undefined ? {} : { observedAt: v.observedAt as string }),
    ...(v.unitCode === undefined ? {} : { unitCode: v.unitCode as string }),
  };
}

export function attributeValue(raw: unknown): AttributeValue {
  const list = Array.isArray(raw) ? raw : [raw];
  if (list.length === 0) return { problem: 'is an empty list of instances' };
  const instances: PropertyInstance[] = [];
  for (const [i, item] of list.entries()) {
    const got = instanceOf(item);
    if (typeof got === 'string') return { problem: Array.isArray(raw) ? `instance ${i} ${got}` : got };
    instances.push(got);
  }
  return { instances };
}

/**
 * A date-time attribute (dateObserved, dateObservedTo) as text: a Property whose value is the text or an NGSI-LD
 * `{"@type": "DateTime", "@value": ...}`, or the bare text (keyValues). An ISO interval `a/b` gives its end.
 */
export function dateTimeText(raw: unknown): string | undefined {
  let v = isObject(raw) && 'value' in raw ? raw.value : raw;
  if (isObject(v) && typeof v['@value'] === 'string') v = v['@value'];
  if (typeof v !== 'string') return undefined;
  const slash = v.indexOf('/');
  return slash >= 0 ? v.slice(slash + 1) : v;
}
