// CSV input: line-numbered errors for bad rows, interpolation of gaps with a warning, future regressor rows.
import { describe, expect, it } from 'vitest';
import { formatTime, parseCsvSeries } from '../../models/csv.js';
import { UrbanflowError } from '../../src/errors.js';

function rows(values: (number | string)[], stepMin = 30): string {
  const start = Date.UTC(2026, 0, 5);
  return [
    'timestamp,value',
    ...values.map((v, i) => `${new Date(start + i * stepMin * 60_000).toISOString()},${v}`),
  ].join('\n');
}

function errorOf(text: string): UrbanflowError {
  try {
    parseCsvSeries(text);
  } catch (err) {
    return err as UrbanflowError;
  }
  throw new Error('expected an error');
}

describe('parseCsvSeries', () => {
  it('reads a regular series and its step', () => {
    const s = parseCsvSeries(rows([1, 2, 3, 4]));
    expect(s.stepMs).toBe(30 * 60_000);
    expect(Array.from(s.values)).toEqual([1, 2, 3, 4]);
    expect(s.warnings).toEqual([]);
  });

  it('names the line of a non-numeric value', () => {
    const err = errorOf(rows([1, 2, 'abc', 4]));
    expect(err.code).toBe('UF_ERR_INPUT');
    expect(err.message).toMatch(/line 4: value "abc" is not a number/);
  });

  it('rejects duplicate and unsorted timestamps with the line', () => {
    const base = rows([1, 2, 3]).split('\n');
    expect(errorOf([...base, base[3]].join('\n')).message).toMatch(/line 5: duplicate timestamp/);
    expect(errorOf([base[0], base[2], base[1], base[3]].join('\n')).message).toMatch(
      /line 3: .*earlier than the line before/,
    );
  });

  it('fills gaps by linear interpolation and warns', () => {
    const lines = rows([10, 20, 30, 40, 50]).split('\n');
    const s = parseCsvSeries([lines[0], lines[1], lines[2], lines[5]].join('\n'));
    expect(Array.from(s.values)).toEqual([10, 20, 30, 40, 50]);
    expect(s.warnings[0]).toMatch(/2 missing step\(s\) filled by linear interpolation/);
  });

  it('rejects timestamps off the step grid and a bad header', () => {
    const text =
      'timestamp,value\n2026-01-01T00:00:00Z,1\n2026-01-01T00:30:00Z,2\n2026-01-01T01:00:00Z,3\n2026-01-01T01:10:00Z,4';
    expect(errorOf(text).message).toMatch(/line 5: .*not a multiple/);
    expect(errorOf('time,value\n1,2').message).toMatch(/line 1: header/);
  });

  it('reads regressor columns and trailing future rows', () => {
    const text = 'timestamp,value,temp\n2026-01-01T00:00:00,1,5\n2026-01-01T01:00:00,2,6\n2026-01-01T02:00:00,,7';
    const s = parseCsvSeries(text);
    expect(s.exogNames).toEqual(['temp']);
    expect(s.futureRows).toBe(1);
    expect(Array.from(s.exog[0])).toEqual([5, 6, 7]);
    expect(s.naiveTime).toBe(true);
    expect(s.startMs).toBe(Date.UTC(2026, 0, 1));
  });
});

describe('epoch timestamps', () => {
  it('reads epoch seconds and echoes them in seconds', () => {
    const s = parseCsvSeries('timestamp,value\n1767225600,1\n1767229200,2\n');
    expect(s.startMs).toBe(1767225600000);
    expect(s.stepMs).toBe(3_600_000);
    expect(formatTime(s.startMs + 2 * s.stepMs, s)).toBe(1767232800);
  });

  it('reads a holiday column as special days, not as a regressor, future rows included', () => {
    const start = Date.UTC(2026, 0, 5);
    const line = (i: number, v: string, flag: string, temp: number): string =>
      `${new Date(start + i * 12 * 3_600_000).toISOString()},${v},${flag},${temp}`;
    const s = parseCsvSeries(
      [
        'timestamp,value,holiday,temp',
        line(0, '1', '0', 5),
        line(1, '2', '', 6),
        line(2, '3', '1', 7),
        line(3, '', 'true', 8),
      ].join('\n'),
    );
    expect(s.exogNames).toEqual(['temp']);
    expect(Array.from(s.exog[0])).toEqual([5, 6, 7, 8]);
    expect(s.holidays).toEqual([Math.floor(start / 86_400_000) + 1]);
    const err = errorOf(['timestamp,value,holiday', line(0, '1', 'yes', 0).replace(/,0$/, '')].join('\n'));
    expect(err.message).toMatch(/line 2: holiday "yes" is not 1, 0, true or false/);
  });
});
