// The forecast and backtest commands on generated CSV files: JSON shape, finite values and clear input errors.
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Command } from 'commander';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { registerBacktestCommand } from '../../src/cli/commands/backtest.js';
import { registerForecastCommand } from '../../src/cli/commands/forecast.js';
import { syntheticDemand } from '../../models/synthetic.js';

const dir = mkdtempSync(join(tmpdir(), 'uf-models-'));

function demandCsv(days: number, seed: number): string {
  const s = syntheticDemand({ startMs: Date.UTC(2025, 9, 6), stepMs: 1_800_000, days, seed });
  const lines = ['timestamp,value'];
  for (let t = 0; t < s.values.length; t++)
    lines.push(`${new Date(s.startMs + t * 1_800_000).toISOString()},${s.values[t].toFixed(3)}`);
  const file = join(dir, `demand-${days}-${seed}.csv`);
  writeFileSync(file, lines.join('\n'));
  return file;
}

async function run(args: string[]): Promise<string> {
  const program = new Command().exitOverride();
  registerForecastCommand(program);
  registerBacktestCommand(program);
  let out = '';
  vi.spyOn(process.stdout, 'write').mockImplementation((chunk: string | Uint8Array) => {
    out += String(chunk);
    return true;
  });
  await program.parseAsync(['node', 'urbanflow', ...args]);
  vi.restoreAllMocks();
  return out;
}

afterEach(() => vi.restoreAllMocks());

describe('urbanflow forecast', () => {
  it('prints H steps with ordered, finite intervals', async () => {
    const file = demandCsv(35, 1);
    const out = JSON.parse(await run(['forecast', '--csv', file, '--season', '48', '--horizon', '48', '--json']));
    expect(Object.keys(out).sort()).toEqual(['forecast', 'lower80', 'lower95', 'timestamps', 'upper80', 'upper95']);
    expect(out.timestamps).toHaveLength(48);
    expect(out.timestamps[0]).toBe(new Date(Date.UTC(2025, 9, 6) + 35 * 86_400_000).toISOString());
    for (let h = 0; h < 48; h++) {
      const v = [out.lower95[h], out.lower80[h], out.forecast[h], out.upper80[h], out.upper95[h]];
      for (const x of v) expect(Number.isFinite(x)).toBe(true);
      for (let i = 1; i < v.length; i++) expect(v[i]).toBeGreaterThanOrEqual(v[i - 1]);
    }
  });

  it('refuses too little history with the length it needs', async () => {
    const file = demandCsv(2, 2);
    await expect(run(['forecast', '--csv', file, '--season', '48', '--horizon', '48'])).rejects.toThrow(
      /too little history: 96 observations.*need at least \d+/,
    );
  });

  it('names the line of a non-numeric value', async () => {
    const file = join(dir, 'bad.csv');
    writeFileSync(file, 'timestamp,value\n2026-01-01T00:00:00Z,1\n2026-01-01T00:30:00Z,n/a\n');
    await expect(run(['forecast', '--csv', file, '--season', '48', '--horizon', '4'])).rejects.toThrow(
      /line 3: value "n\/a" is not a number/,
    );
  });
});

describe('urbanflow backtest', () => {
  it('reports model and seasonal-naive scores', async () => {
    const file = demandCsv(60, 3);
    const out = JSON.parse(
      await run(['backtest', '--csv', file, '--season', '48', '--horizon', '48', '--origins', '5', '--json']),
    );
    expect(out.origins).toBe(5);
    for (const s of [out.model, out.seasonalNaive]) {
      for (const k of ['mae', 'smape', 'mase', 'coverage80', 'coverage95']) expect(Number.isFinite(s[k])).toBe(true);
    }
    expect(out.maseRatio).toBeCloseTo(out.model.mase / out.seasonalNaive.mase, 10);
    for (const k of [
      'seasonalNaiveMase',
      'weeklyNaiveMase',
      'decompositionMase',
      'bestBaselineMase',
      'ratioToBestBaseline',
    ])
      expect(Number.isFinite(out[k])).toBe(true);
    expect(out.specialDays).toBeNull();
  });

  it('takes special days from --holidays and a built-in calendar, and scores them apart', async () => {
    const file = demandCsv(60, 3);
    // The series ends on 2025-12-04; the last two test days become holidays.
    const list = join(dir, 'holidays.txt');
    writeFileSync(list, 'date\n# closures\n2025-12-03,closure\n2025-12-04\n');
    const out = JSON.parse(
      await run([
        'backtest',
        '--csv',
        file,
        '--season',
        '48',
        '--horizon',
        '48',
        '--origins',
        '5',
        '--holidays',
        list,
        '--json',
      ]),
    );
    expect(out.specialDays.steps).toBe(96);
    const cal = JSON.parse(
      await run([
        'backtest',
        '--csv',
        file,
        '--season',
        '48',
        '--horizon',
        '48',
        '--origins',
        '5',
        '--holiday-calendar',
        'US',
        '--json',
      ]),
    );
    expect(cal.specialDays).toBeNull();
    await expect(
      run(['backtest', '--csv', file, '--season', '48', '--horizon', '48', '--holiday-calendar', 'US-XX', '--json']),
    ).rejects.toThrow(/region "XX" of US/);
  });
});
