// Query values of the live routes: durations (90m, 6h, 2d, ISO 8601) and instants (ISO date-time or epoch ms).
import { HttpProblem } from '../problem.js';

const UNIT_MS: Record<string, number> = { m: 60_000, min: 60_000, h: 3_600_000, d: 86_400_000 };

function invalid(name: string, message: string, got: string): HttpProblem {
  return new HttpProblem('validation', `query '${name}' ${message}, got '${got}'`, {
    errors: [{ path: `querystring.${name}`, message }],
  });
}

/** A positive duration such as 90m, 6h, 1.5d, PT6H or P1DT12H, in milliseconds. */
export function parseDuration(text: string, name: string): number {
  const short = /^(\d+(?:\.\d+)?)(m|min|h|d)$/.exec(text);
  let ms = NaN;
  if (short) ms = Number(short[1]) * UNIT_MS[short[2]];
  else {
    const iso = /^P(?:(\d+(?:\.\d+)?)D)?(?:T(?:(\d+(?:\.\d+)?)H)?(?:(\d+(?:\.\d+)?)M)?)?$/.exec(text);
    if (iso && text !== 'P' && !text.endsWith('T'))
      ms = Number(iso[1] ?? 0) * UNIT_MS.d + Number(iso[2] ?? 0) * UNIT_MS.h + Number(iso[3] ?? 0) * UNIT_MS.m;
  }
  if (Number.isNaN(ms)) throw invalid(name, 'must be a positive duration such as 90m, 6h, 2d or PT6H', text);
  // Well-formed but empty or endless: nothing to forecast.
  if (!(ms > 0) || !Number.isFinite(ms)) {
    const message = 'must be a positive, finite duration';
    throw new HttpProblem('invalid-request', `query '${name}' ${message}, got '${text}'`, {
      errors: [{ path: `querystring.${name}`, message }],
    });
  }
  return ms;
}

/** An instant as an ISO date-time or epoch milliseconds. */
export function parseInstant(text: string, name: string): number {
  const ms = /^\d+$/.test(text) ? Number(text) : Date.parse(text);
  if (!Number.isFinite(ms)) throw invalid(name, 'must be an ISO date-time or epoch milliseconds', text);
  return ms;
}
