// String formats the TypeBox schemas check (`date`, `date-time`), registered once for the API, the CLI and the city file.
import { FormatRegistry, Type, type StringOptions, type TString, type TUnion } from '@sinclair/typebox';

/** A calendar date YYYY-MM-DD that exists (2026-02-29 does not): RFC 3339 full-date, what OpenAPI calls `date`. */
export function isCalendarDate(s: string): boolean {
  const m = /^(\d{4})-(\d{2})-(\d{2})$/.exec(s);
  if (!m) return false;
  const [y, mo, d] = [Number(m[1]), Number(m[2]), Number(m[3])];
  // setUTCFullYear, unlike Date.UTC, takes years 0-99 as they are.
  const t = new Date(0);
  t.setUTCFullYear(y, mo - 1, d);
  return t.getUTCFullYear() === y && t.getUTCMonth() === mo - 1 && t.getUTCDate() === d;
}

/** An RFC 3339 date-time (what OpenAPI calls `date-time`) naming an instant that exists. */
export function isDateTime(s: string): boolean {
  const m = /^(\d{4}-\d{2}-\d{2})[Tt](\d{2}):(\d{2}):(\d{2})(\.\d+)?([Zz]|[+-](\d{2}):(\d{2}))$/.exec(s);
  if (!m || !isCalendarDate(m[1])) return false;
  const [h, mi, sec] = [Number(m[2]), Number(m[3]), Number(m[4])];
  const offsetOk = m[7] === undefined || (Number(m[7]) < 24 && Number(m[8]) < 60);
  return h < 24 && mi < 60 && sec < 60 && offsetOk && Number.isFinite(Date.parse(s));
}

if (!FormatRegistry.Has('date')) FormatRegistry.Set('date', isCalendarDate);
if (!FormatRegistry.Has('date-time')) FormatRegistry.Set('date-time', isDateTime);

/** A string that must be an instant in RFC 3339 form. */
export function DateTime(options: StringOptions = {}): TString {
  return Type.String({ ...options, format: 'date-time' });
}

/** A string that must be an existing calendar date. */
export function CalendarDate(options: StringOptions = {}): TString {
  return Type.String({ ...options, format: 'date' });
}

/** An instant given as epoch milliseconds (digits) or an RFC 3339 date-time, as query parameters take it. */
export function Instant(options: StringOptions = {}): TUnion<[TString, TString]> {
  return Type.Union([Type.String({ pattern: '^[0-9]{1,15}$' }), DateTime()], {
    errorMessage: 'must be an ISO date-time (RFC 3339) or epoch milliseconds',
    ...options,
  });
}
