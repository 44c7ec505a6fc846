// `urbanflow backtest`: rolling-origin evaluation of the series forecaster against the seasonal-naive baseline.
import { readCsv } from './forecast.js';
import type { RegisterCommand } from './index.js';

export const registerBacktestCommand: RegisterCommand = (program) => {
  program
    .command('backtest')
    .description('Rolling-origin backtest on a CSV: MAE, sMAPE, MASE and 80/95% interval coverage, for the model and the seasonal-naive baseline')
    .requiredOption('--csv <file>', 'CSV file with header timestamp,value')
    .requiredOption('--season <n>', 'steps per season')
    .requiredOption('--horizon <h>', 'steps per forecast')
    .option('--origins <k>', 'forecast origins, one horizon apart at the end of the series', '10')
    .option('--json', 'print JSON')
    .action(async (opts: { csv: string; season: string; horizon: string; origins: string; json?: boolean }) => {
      const { positiveInt, seriesInput } = await import('../../../models/csv-input.js');
      const { backtestSeries } = await import('../../../models/backtest.js');
      const { formatTime } = await import('../../../models/csv.js');
      const season = positiveInt(opts.season, '--season', 2);
      const horizon = positiveInt(opts.horizon, '--horizon');
      const origins = positiveInt(opts.origins, '--origins');
      const csv = await readCsv(opts.csv);
      const input = seriesInput(csv, season, horizon, origins * horizon);
      const report = backtestSeries(input, horizon, origins);
      const out = { ...report, originTimes: report.originTimes.map((t) => formatTime(t, csv)) };
      if (opts.json) {
        process.stdout.write(`${JSON.stringify(out)}\n`);
        return;
      }
      const fmt = (v: number): string => v.toFixed(4);
      process.stdout.write(`origins ${report.origins}, horizon ${report.horizon}\n`);
      process.stdout.write('                mae        smape      mase       cover80    cover95\n');
      for (const [name, s] of [['model', report.model], ['seasonal-naive', report.seasonalNaive]] as const) {
        process.stdout.write(`${name.padEnd(15)} ${[s.mae, s.smape, s.mase, s.coverage80, s.coverage95].map(fmt).map((x) => x.padEnd(10)).join(' ')}\n`);
      }
      process.stdout.write(`mase ratio ${fmt(report.maseRatio)}\n`);
    });
};
