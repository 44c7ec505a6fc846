// Parses a user CSV (`timestamp,value[,holiday][,regressor…]`) into a regular series, with line-numbered errors and gap repair.
import { inputError } from '../src/errors.js';
import { dayNumber } from './calendar.js';

export interface CsvSeries {
  startMs: number;
  stepMs: number;
  values: Float64Array;
  /** Extra regressor columns by name, covering history plus any future rows. */
  exogNames: string[];
  exog: Float64Array[];
  /** Day numbers of the rows flagged in a `holiday` column (history and future rows), sorted. */
  holidays: number[];
  /** Rows after the history with an empty value: future regressor values for the forecast steps. */
  futureRows: number;
  /** Whether timestamps were epoch seconds or milliseconds (echoed in the same unit), or ISO text (null). */
  numericTime: 'seconds' | 'milliseconds' | null;
  /** Whether ISO timestamps carried no zone (read as UTC wall clock, echoed without zone). */
  naiveTime: boolean;
  /** Human-readable notes on repairs (interpolated gaps). */
  warnings: string[];
}

const NUMBER = /^[-+]?(\d+\.?\d*|\.\d+)([eE][-+]?\d+)?$/;

/** The column that flags special days rather than carrying a regressor. */
const HOLIDAY_COLUMN = 'holiday';
const FLAGS = new Map([
  ['1', true],
  ['0', false],
  ['true', true],
  ['false', false],
  ['', false],
]);

/** Epoch numbers below 1e11 are seconds (1e11 ms is 1973, 1e11 s is year 5138). */
function parseTime(raw: string, line: number): { ms: number; numeric: CsvSeries['numericTime']; naive: boolean } {
  const s = raw.trim();
  if (/^\d+(\.\d+)?$/.test(s)) {
    const v = Number(s);
    return v < 1e11
      ? { ms: v * 1000, numeric: 'seconds', naive: false }
      : { ms: v, numeric: 'milliseconds', naive: false };
  }
  const naive = /^\d{4}-\d{2}-\d{2}([T ]\d{2}:\d{2}(:\d{2}(\.\d+)?)?)?$/.test(s);
  const ms = Date.parse(naive ? `${s.replace(' ', 'T')}${s.length > 10 ? '' : 'T00:00'}Z` : s);
  if (!Number.isFinite(ms))
    throw inputError(`line ${line}: timestamp "${raw}" is neither ISO 8601 nor epoch seconds/milliseconds`, {
      line,
      field: 'timestamp',
    });
  return { ms, numeric: null, naive };
}

/**
 * Timestamps must increase strictly with a constant step (the most common difference). Missing steps inside
 * the history are filled by linear interpolation and reported in `warnings`; anything else is an error that
 * names the line.
 */
export function parseCsvSeries(text: string): CsvSeries {
  const lines = text.split(/\r?\n/);
  const header = lines[0]?.split(',').map((h) => h.trim()) ?? [];
  if (header[0] !== 'timestamp' || header[1] !== 'value') {
    throw inputError(
      'line 1: header must start with "timestamp,value" (a "holiday" column flags special days, other extra columns are regressors)',
      { line: 1, field: 'header' },
    );
  }
  const holidayCol = header.indexOf(HOLIDAY_COLUMN, 2);
  const exogCols = header.map((_, i) => i).filter((i) => i >= 2 && i !== holidayCol);
  const exogNames = exogCols.map((i) => header[i]);
  const holidays = new Set<number>();
  const times: number[] = [];
  const vals: number[] = [];
  const ex: number[][] = exogNames.map(() => []);
  const lineOf: number[] = [];
  let numericTime: CsvSeries['numericTime'] = null;
  let naiveTime = false;
  let futureStart = -1;
  for (let i = 1; i < lines.length; i++) {
    if (lines[i].trim() === '') continue;
    const line = i + 1;
    const cells = lines[i].split(',');
    if (cells.length !== header.length)
      throw inputError(`line ${line}: expected ${header.length} columns, found ${cells.length}`, { line });
    const t = parseTime(cells[0], line);
    numericTime = t.numeric;
    naiveTime = t.naive;
    const prev = times[times.length - 1];
    if (prev !== undefined && t.ms === prev) {
      const hint = t.naive ? ' (local times around a daylight-saving change? write them with a UTC offset)' : '';
      throw inputError(`line ${line}: duplicate timestamp "${cells[0].trim()}"${hint}`, { line, field: 'timestamp' });
    }
    if (prev !== undefined && t.ms < prev)
      throw inputError(
        `line ${line}: timestamp "${cells[0].trim()}" is earlier than the line before; sort the file by time`,
        { line, field: 'timestamp' },
      );
    const rawValue = cells[1].trim();
    if (rawValue === '') {
      if (futureStart < 0) futureStart = times.length;
      vals.push(NaN);
    } else {
      if (futureStart >= 0)
        throw inputError(
          `line ${line}: a value follows rows with empty values; empty values are only allowed for future rows at the end`,
          { line, field: 'value' },
        );
      if (!NUMBER.test(rawValue))
        throw inputError(`line ${line}: value "${rawValue}" is not a number`, { line, field: 'value' });
      vals.push(Number(rawValue));
    }
    if (holidayCol >= 0) {
      const flag = FLAGS.get(cells[holidayCol].trim().toLowerCase());
      if (flag === undefined)
        throw inputError(`line ${line}: holiday "${cells[holidayCol].trim()}" is not 1, 0, true or false`, {
          line,
          field: HOLIDAY_COLUMN,
        });
      if (flag) holidays.add(dayNumber(t.ms));
    }
    for (let e = 0; e < exogNames.length; e++) {
      const raw = cells[exogCols[e]].trim();
      if (!NUMBER.test(raw))
        throw inputError(`line ${line}: ${exogNames[e]} "${raw}" is not a number`, { line, field: exogNames[e] });
      ex[e].push(Number(raw));
    }
    times.push(t.ms);
    lineOf.push(line);
  }
  if (times.length < 2) throw inputError('the file needs at least two data rows', { field: 'rows' });
  const stepMs = modeDiff(times);
  const warnings: string[] = [];
  const outT: number[] = [times[0]];
  const outV: number[] = [vals[0]];
  const outE: number[][] = ex.map((c) => [c[0]]);
  for (let i = 1; i < times.length; i++) {
    const gap = (times[i] - times[i - 1]) / stepMs;
    if (Math.abs(gap - Math.round(gap)) > 1e-6) {
      throw inputError(
        `line ${lineOf[i]}: timestamp is ${times[i] - times[i - 1]} ms after the previous one, not a multiple of the ${stepMs} ms step`,
        { line: lineOf[i], field: 'timestamp' },
      );
    }
    const k = Math.round(gap);
    if (k > 1) {
      if (Number.isNaN(vals[i]))
        throw inputError(`line ${lineOf[i]}: future rows must follow each other at the ${stepMs} ms step`, {
          line: lineOf[i],
        });
      warnings.push(`lines ${lineOf[i - 1]}-${lineOf[i]}: ${k - 1} missing step(s) filled by linear interpolation`);
      for (let j = 1; j < k; j++) {
        const w = j / k;
        outT.push(times[i - 1] + j * stepMs);
        outV.push(vals[i - 1] * (1 - w) + vals[i] * w);
        ex.forEach((c, e) => outE[e].push(c[i - 1] * (1 - w) + c[i] * w));
      }
    }
    outT.push(times[i]);
    outV.push(vals[i]);
    ex.forEach((c, e) => outE[e].push(c[i]));
  }
  const history = outV.findIndex((v) => Number.isNaN(v));
  const n = history < 0 ? outV.length : history;
  return {
    startMs: outT[0],
    stepMs,
    values: Float64Array.from(outV.slice(0, n)),
    exogNames,
    exog: outE.map((c) => Float64Array.from(c)),
    holidays: [...holidays].sort((a, b) => a - b),
    futureRows: outV.length - n,
    numericTime,
    naiveTime,
    warnings,
  };
}

function modeDiff(times: number[]): number {
  const counts = new Map<number, number>();
  for (let i = 1; i < times.length; i++) {
    const d = times[i] - times[i - 1];
    counts.set(d, (counts.get(d) ?? 0) + 1);
  }
  let best = 0;
  let bestCount = -1;
  for (const [d, c] of counts) if (c > bestCount || (c === bestCount && d < best)) [best, bestCount] = [d, c];
  return best;
}

/** Formats forecast timestamps the way the input wrote them. */
export function formatTime(ms: number, series: Pick<CsvSeries, 'numericTime' | 'naiveTime'>): string | number {
  if (series.numericTime === 'seconds') return ms / 1000;
  if (series.numericTime === 'milliseconds') return ms;
  const iso = new Date(ms).toISOString();
  return series.naiveTime ? iso.slice(0, 19) : iso;
}
