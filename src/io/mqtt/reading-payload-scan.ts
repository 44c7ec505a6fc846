// The common shapes of a reading topic's payload (`21.5`, `{"value":21.5,"ts":1764763200000}`) read straight from
// the bytes, with no string, regex or JSON object per message; anything else is left to readingFromTopicPayload.
import {
  CLOSE_OBJECT,
  COLON,
  COMMA,
  DOT,
  MINUS,
  OPEN_OBJECT,
  QUOTE,
  ZERO,
  isJsonDigit,
  isJsonSpace,
} from '../json-bytes.js';

/** What a scan found; `ts` is NaN when the payload carried none (the caller stamps it). Reused from call to call. */
export interface ScannedReading {
  value: number;
  ts: number;
  quality: number;
}

// Exact powers of ten: an integer mantissa below 2^53 divided by one of these is the correctly rounded value of the
// decimal (both operands are exact doubles and the division rounds once), the same double JSON.parse gives.
const POW10 = [1, 10, 100, 1e3, 1e4, 1e5, 1e6, 1e7, 1e8, 1e9, 1e10, 1e11, 1e12, 1e13, 1e14, 1e15];
const MAX_DIGITS = 15;

/** Reads a number as JSON writes it, without exponent and with at most 15 digits; sets `end`. NaN: not such a number. */
class Scanner {
  pos = 0;
  bytes: Uint8Array = new Uint8Array(0);

  skipSpace(): void {
    const b = this.bytes;
    while (this.pos < b.length && isJsonSpace(b[this.pos])) this.pos++;
  }

  number(): number {
    const b = this.bytes;
    let i = this.pos;
    const negative = b[i] === MINUS;
    if (negative) i++;
    // JSON forbids a leading zero before another digit (`01`), which JSON.parse refuses: left to it
    if (b[i] === ZERO && isJsonDigit(b[i + 1])) return NaN;
    let mantissa = 0;
    let digits = 0;
    let fraction = 0;
    while (i < b.length && isJsonDigit(b[i])) {
      mantissa = mantissa * 10 + (b[i++] - ZERO);
      digits++;
    }
    if (digits === 0) return NaN;
    if (b[i] === DOT) {
      i++;
      while (i < b.length && isJsonDigit(b[i])) {
        mantissa = mantissa * 10 + (b[i++] - ZERO);
        digits++;
        fraction++;
      }
      if (fraction === 0) return NaN;
    }
    // an exponent, or more digits than a double holds exactly: left to the full parser
    if (digits > MAX_DIGITS || b[i] === 0x65 || b[i] === 0x45) return NaN;
    this.pos = i;
    const v = fraction === 0 ? mantissa : mantissa / POW10[fraction];
    return negative ? -v : v;
  }

  /** True when the bytes at pos are `"word"` (then skipped). */
  literal(word: readonly number[]): boolean {
    const b = this.bytes;
    const i = this.pos;
    if (b[i] !== QUOTE || b[i + word.length + 1] !== QUOTE) return false;
    for (let k = 0; k < word.length; k++) if (b[i + 1 + k] !== word[k]) return false;
    this.pos = i + word.length + 2;
    return true;
  }
}

/** One for every call (nothing allocated per message): a scan runs to its end synchronously. */
const scanner = new Scanner();

const ascii = (s: string) => Array.from(s, (c) => c.charCodeAt(0));
const VALUE = ascii('value');
const TS = ascii('ts');
const QUALITY = ascii('quality');
const QUALITY_WORDS = [ascii('good'), ascii('uncertain'), ascii('bad')];

/**
 * Reads a bare number or a flat JSON object of `value`, `ts` (numbers) and `quality` (`"good"`, `"uncertain"`,
 * `"bad"`) into `out`. False when the payload is anything else (another key, an ISO time, an exponent, escapes,
 * an error to report): readingFromTopicPayload then reads it, and says what is wrong.
 */
export function scanReadingPayload(bytes: Uint8Array, out: ScannedReading): boolean {
  const s = scanner;
  s.bytes = bytes;
  s.pos = 0;
  s.skipSpace();
  if (bytes[s.pos] !== OPEN_OBJECT) {
    const value = s.number();
    if (Number.isNaN(value)) return false;
    s.skipSpace();
    if (s.pos !== bytes.length) return false;
    out.value = value;
    out.ts = NaN;
    out.quality = 0;
    return true;
  }
  s.pos++;
  let value = NaN;
  let ts = NaN;
  let quality = -1;
  for (;;) {
    s.skipSpace();
    let key: 0 | 1 | 2;
    if (s.literal(VALUE)) key = 0;
    else if (s.literal(TS)) key = 1;
    else if (s.literal(QUALITY)) key = 2;
    else return false;
    s.skipSpace();
    if (bytes[s.pos++] !== COLON) return false;
    s.skipSpace();
    if (key === 2) {
      if (quality >= 0) return false;
      quality = QUALITY_WORDS.findIndex((w) => s.literal(w));
      if (quality < 0) return false;
    } else {
      // a repeated key: JSON.parse keeps the last, which the full parser does too
      if (!Number.isNaN(key === 0 ? value : ts)) return false;
      const n = s.number();
      if (Number.isNaN(n)) return false;
      if (key === 0) value = n;
      else ts = n;
    }
    s.skipSpace();
    const c = bytes[s.pos++];
    if (c === CLOSE_OBJECT) break;
    if (c !== COMMA) return false;
  }
  s.skipSpace();
  if (s.pos !== bytes.length || Number.isNaN(value)) return false;
  out.value = value;
  out.ts = ts;
  out.quality = quality < 0 ? 0 : quality;
  return true;
}
