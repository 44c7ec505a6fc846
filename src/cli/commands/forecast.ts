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

export const registerForecastCommand: RegisterCommand = (program) => {
  program
    .command('forecast')
    .description('Fit on a CSV (timestamp,value[,regressors…]) and forecast the next H steps with 80% and 95% intervals. '
      + 'Regressor columns need H future rows at the end with an empty value. Gaps are filled by linear interpolation (with a warning).')
    .requiredOption('--csv <file>', 'CSV file with header timestamp,value')
    .requiredOption('--season <n>', 'steps per season (48 for a daily season at 30 min)')
    .requiredOption('--horizon <h>', 'steps to forecast')
    .option('--json', 'print JSON')
    .action(async (opts: { csv: string; season: string; horizon: string; json?: boolean }) => {
      const { positiveInt, seriesInput } = await import('../../../models/csv-input.js');
      const { fitSeries, forecastModel } = await import('../../../models/generic.js');
      const { formatTime } = await import('../../../models/csv.js');
      const season = positiveInt(opts.season, '--season', 2);
      const horizon = positiveInt(opts.horizon, '--horizon');
      const csv = await readCsv(opts.csv);
      if (csv.exogNames.length > 0 && csv.futureRows < horizon) {
        throw inputError(`regressor column(s) ${csv.exogNames.join(', ')} need ${horizon} future rows (empty value) after the history, found ${csv.futureRows}`, { field: 'rows' });
      }
      const input = seriesInput(csv, season, horizon);
      const n = csv.values.length;
      const model = fitSeries(input, horizon);
      const fc = forecastModel(model, horizon, csv.exog.map((c) => c.subarray(n, n + horizon)));
      const out = { ...fc, timestamps: fc.timestamps.map((t) => formatTime(t, csv)) };
      if (opts.json) {
        process.stdout.write(`${JSON.stringify(out)}\n`);
        return;
      }
      process.stdout.write('timestamp,forecast,lower80,upper80,lower95,upper95\n');
      for (let h = 0; h < horizon; h++) {
        const row = [out.forecast[h], out.lower80[h], out.upper80[h], out.lower95[h], out.upper95[h]].map((v) => Number(v.toPrecision(6)));
        process.stdout.write(`${out.timestamps[h]},${row.join(',')}\n`);
      }
    });
};
