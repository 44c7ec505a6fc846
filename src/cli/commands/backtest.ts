// `urbanflow backtest`: rolling-origin evaluation of the series forecaster against the seasonal-naive baseline.
import { HOLIDAY_CALENDAR_FLAG, HOLIDAYS_FLAG, readCsv, readHolidays, type HolidayOptions } from './forecast.js';
import type { RegisterCommand } from './index.js';

export const registerBacktestCommand: RegisterCommand = (program) => {
  program
    .command('backtest')
    .description(
      'Rolling-origin backtest on a CSV: MAE, sMAPE, MASE and 80/95% interval coverage of the model, against seasonal naive, weekly naive and the day-and-week decomposition, with special days scored apart',
    )
    .requiredOption('--csv <file>', 'CSV file with header timestamp,value')
    .requiredOption('--season <n>', 'steps per season')
    .requiredOption('--horizon <h>', 'steps per forecast')
    .option('--origins <k>', 'forecast origins, one horizon apart at the end of the series', '10')
    .option(...HOLIDAYS_FLAG)
    .option(...HOLIDAY_CALENDAR_FLAG)
    .option('--json', 'print JSON')
    .action(
      async (
        opts: { csv: string; season: string; horizon: string; origins: string; json?: boolean } & HolidayOptions,
      ) => {
        const { positiveInt, seriesInput } = await import('../../../models/csv-input.js');
        const { backtestSeries } = await import('../../../models/backtest.js');
        const { formatTime } = await import('../../../models/csv.js');
        const season = positiveInt(opts.season, '--season', 2);
        const horizon = positiveInt(opts.horizon, '--horizon');
        const origins = positiveInt(opts.origins, '--origins');
        const csv = await readCsv(opts.csv);
        const input = seriesInput(csv, season, horizon, origins * horizon, await readHolidays(opts, csv, 0));
        const report = backtestSeries(input, horizon, origins);
        const out = { ...report, originTimes: report.originTimes.map((t) => formatTime(t, csv)) };
        if (opts.json) {
          process.stdout.write(`${JSON.stringify(out)}\n`);
          return;
        }
        const fmt = (v: number): string => v.toFixed(4);
        process.stdout.write(`origins ${report.origins}, horizon ${report.horizon}\n`);
        process.stdout.write('                mae        smape      mase       cover80    cover95\n');
        const rows: [
          string,
          { mae: number; smape: number; mase: number; coverage80?: number; coverage95?: number } | null,
        ][] = [
          ['model', report.model],
          ['special days', report.specialDays],
          ['seasonal-naive', report.seasonalNaive],
          ['weekly-naive', report.weeklyNaive],
          ['decomposition', report.decomposition],
        ];
        for (const [name, s] of rows) {
          if (!s) continue;
          const cells = [s.mae, s.smape, s.mase, s.coverage80, s.coverage95].map((v) =>
            v === undefined ? '-' : fmt(v),
          );
          process.stdout.write(`${name.padEnd(15)} ${cells.map((x) => x.padEnd(10)).join(' ')}\n`);
        }
        process.stdout.write(
          `mase ratio to seasonal naive ${fmt(report.maseRatio)}, to the best baseline ${fmt(report.ratioToBestBaseline)}\n`,
        );
      },
    );
};
