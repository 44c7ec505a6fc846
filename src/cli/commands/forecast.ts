// `urbanflow forecast`: fits the series forecaster on a CSV and prints the next H steps with 80/95% intervals.
import { inputError } from '../../errors.js';
import { readTextFile } from '../../io/read-text-file.js';
import type { CsvSeries } from '../../../models/csv.js';
import type { RegisterCommand } from './index.js';

export async function readCsv(file: string): Promise<CsvSeries> {
  const { parseCsvSeries } = await import('../../../models/csv.js');
  let text: string;
  try {
    text = readTextFile(file);
  } catch (err) {
    throw inputError(`cannot read --csv ${file}: ${(err as Error).message}`, { field: 'csv' });
  }
  const csv = parseCsvSeries(text);
  for (const w of csv.warnings) process.stderr.write(`urbanflow: warning: ${file} ${w}\n`);
  return csv;
}

export interface HolidayOptions {
  holidays?: string;
  holidayCalendar?: string;
}

/**
 * Holiday day numbers from `--holidays FILE` (one YYYY-MM-DD per line, a `date` header, blank and # lines
 * allowed; further comma-separated cells such as a name are ignored) and `--holiday-calendar CC[-REGION]`
 * (the built-in calendar for the years the series and its horizon span).
 */
export async function readHolidays(opts: HolidayOptions, csv: CsvSeries, horizon: number): Promise<number[]> {
  const { dayNumber, holidayDays } = await import('../../../models/calendar.js');
  const out: number[] = [];
  if (opts.holidays) {
    let text: string;
    try {
      text = readTextFile(opts.holidays);
    } catch (err) {
      throw inputError(`cannot read --holidays ${opts.holidays}: ${(err as Error).message}`, { field: 'holidays' });
    }
    const dates = text
      .split(/\r?\n/)
      .map((l) => l.split(',')[0].trim())
      .filter((d, i) => d !== '' && !d.startsWith('#') && !(i === 0 && d === 'date'));
    out.push(...holidayDays(dates));
  }
  if (opts.holidayCalendar) {
    // The calendar library holds every country's rules: loaded only when a calendar is asked for.
    const { calendarHolidayDates, holidayCalendarProblem } = await import('../../city/holiday-calendar.js');
    const [country, region] = opts.holidayCalendar.split('-', 2);
    const spec = region === undefined ? { country } : { country, region };
    const problem = holidayCalendarProblem(spec);
    if (problem)
      throw inputError(`--holiday-calendar ${opts.holidayCalendar}: ${problem}`, { field: 'holidayCalendar' });
    const endMs = csv.startMs + (csv.values.length + horizon) * csv.stepMs;
    const dates = calendarHolidayDates(spec, new Date(csv.startMs).getUTCFullYear(), new Date(endMs).getUTCFullYear());
    out.push(...dates.map((d) => dayNumber(Date.parse(`${d}T00:00:00Z`))));
  }
  return out;
}

export const HOLIDAYS_FLAG = [
  '--holidays <file>',
  'special days, one YYYY-MM-DD per line (a "holiday" CSV column of 1/0 flags works too)',
] as const;
export const HOLIDAY_CALENDAR_FLAG = [
  '--holiday-calendar <code>',
  'built-in public holidays of a country or region, e.g. GB-ENG, US, AU-VIC',
] as const;

export const registerForecastCommand: RegisterCommand = (program) => {
  program
    .command('forecast')
    .description(
      'Fit on a CSV (timestamp,value[,holiday][,regressors…]) and forecast the next H steps with 80% and 95% intervals. ' +
        'Regressor columns need H future rows at the end with an empty value. Gaps are filled by linear interpolation (with a warning).',
    )
    .requiredOption('--csv <file>', 'CSV file with header timestamp,value')
    .requiredOption('--season <n>', 'steps per season (48 for a daily season at 30 min)')
    .requiredOption('--horizon <h>', 'steps to forecast')
    .option(...HOLIDAYS_FLAG)
    .option(...HOLIDAY_CALENDAR_FLAG)
    .option('--json', 'print JSON')
    .action(async (opts: { csv: string; season: string; horizon: string; json?: boolean } & HolidayOptions) => {
      const { positiveInt, seriesInput } = await import('../../../models/csv-input.js');
      const { fitSeries, forecastModel } = await import('../../../models/generic.js');
      const { formatTime } = await import('../../../models/csv.js');
      const season = positiveInt(opts.season, '--season', 2);
      const horizon = positiveInt(opts.horizon, '--horizon');
      const csv = await readCsv(opts.csv);
      if (csv.exogNames.length > 0 && csv.futureRows < horizon) {
        throw inputError(
          `regressor column(s) ${csv.exogNames.join(', ')} need ${horizon} future rows (empty value) after the history, found ${csv.futureRows}`,
          { field: 'rows' },
        );
      }
      const input = seriesInput(csv, season, horizon, 0, await readHolidays(opts, csv, horizon));
      const n = csv.values.length;
      const model = fitSeries(input, horizon);
      const fc = forecastModel(
        model,
        horizon,
        csv.exog.map((c) => c.subarray(n, n + horizon)),
      );
      const out = { ...fc, timestamps: fc.timestamps.map((t) => formatTime(t, csv)) };
      if (opts.json) {
        process.stdout.write(`${JSON.stringify(out)}\n`);
        return;
      }
      process.stdout.write('timestamp,forecast,lower80,upper80,lower95,upper95\n');
      for (let h = 0; h < horizon; h++) {
        const row = [out.forecast[h], out.lower80[h], out.upper80[h], out.lower95[h], out.upper95[h]].map((v) =>
          Number(v.toPrecision(6)),
        );
        process.stdout.write(`${out.timestamps[h]},${row.join(',')}\n`);
      }
    });
};
