// `urbanflow run`: the engine on the embedded city simulator with the HTTP API (the default of `npm start`).
import { createWriteStream, readFileSync } from 'node:fs';
import { loadCity, loadSampleCity } from '../../city/index.js';
import { runConfig, type RunFlags } from '../../config.js';
import { configError } from '../../errors.js';
import { buildServer } from '../../api/server.js';
import { parseOperators, DEFAULT_OPERATORS } from '../../app/operators.js';
import { createPipeline } from '../../app/pipeline.js';
import { startLiveServices } from '../../app/live.js';
import { catalogFromCity } from '../../app/catalog.js';
import { createSimulator } from '../../sim/index.js';
import { startSimulatorSource, type SimulatorSource } from '../../io/simulator-source.js';
import type { RegisterCommand } from './index.js';

function readJson(file: string, what: string): unknown {
  let text: string;
  try {
    text = readFileSync(file, 'utf8');
  } catch (err) {
    throw configError(`cannot read the ${what} file ${file}: ${(err as Error).message}`);
  }
  try {
    return JSON.parse(text);
  } catch (err) {
    throw configError(`the ${what} file ${file} is not valid JSON: ${(err as Error).message}`);
  }
}

function ndjsonWriter(file: string | undefined): ((row: unknown) => void) | undefined {
  if (!file) return undefined;
  const out = createWriteStream(file, { flags: 'a' });
  return (row) => out.write(`${JSON.stringify(row)}\n`);
}

export const registerRunCommand: RegisterCommand = (program) => {
  program
    .command('run')
    .description('run the engine on the embedded city simulator and serve the HTTP API')
    .option('--city <file>', 'city file (default: the shipped sample city)')
    .option('--operators <file>', 'JSON array of stream operator declarations (default: the built-in set)')
    .option('--host <host>', 'API address (default 127.0.0.1)')
    .option('--port <port>', 'API port (default 8080; 0 picks a free one)')
    .option('--workers <n>', 'worker threads for window aggregation (default 2; 0 runs them on the main thread)')
    .option('--seed <n>', 'simulator seed (default 1)')
    .option('--speed <x>', 'simulated seconds per wall-clock second (default 60; 1 is real time)')
    .option('--report-rate <x>', 'simulated sensors report x times as often as they naturally do, for load tests (default 1)')
    .option('--out-of-orderness <duration>', 'watermark bound on event-time disorder (default 30s)')
    .option('--idle-timeout <duration>', 'a silent source stops holding the watermark after this (default 5m)')
    .option('--results-file <file>', 'also append every window result to this NDJSON file')
    .option('--dead-letters-file <file>', 'also append every dead letter to this NDJSON file')
    .option('--state-dir <dir>', 'where forecasts and plan versions persist across restarts (default .urbanflow)')
    .action(async (flags: Record<string, string | undefined>) => {
      const config = runConfig(
        {
          cityFile: flags.city,
          operatorsFile: flags.operators,
          host: flags.host,
          port: flags.port,
          workers: flags.workers,
          seed: flags.seed,
          speed: flags.speed,
          reportRate: flags.reportRate,
          outOfOrdernessMs: flags.outOfOrderness,
          idleTimeoutMs: flags.idleTimeout,
          resultsFile: flags.resultsFile,
          deadLettersFile: flags.deadLettersFile,
          stateDir: flags.stateDir,
        } satisfies RunFlags,
        process.env,
        process.cwd(),
      );
      const city = config.cityFile ? loadCity(readJson(config.cityFile, 'city')) : loadSampleCity();
      const groupings = [...catalogFromCity(city).groupings.keys()];
      const operators = config.operatorsFile ? parseOperators(readJson(config.operatorsFile, 'operators'), groupings) : DEFAULT_OPERATORS;
      // Simulated time starts at the current hour, so results line up with the wall clock at speed 1.
      let startMs = Math.floor(Date.now() / 3_600_000) * 3_600_000;
      let source: SimulatorSource | undefined;
      const clock = () => source?.now() ?? startMs;
      const writeResult = ndjsonWriter(config.resultsFile);
      const writeDead = ndjsonWriter(config.deadLettersFile);
      const pipeline = createPipeline({
        city,
        operators,
        watermark: { outOfOrdernessMs: config.outOfOrdernessMs, idleTimeoutMs: config.idleTimeoutMs },
        workers: config.workers,
        clock,
        onResults: writeResult ? (rows) => rows.forEach(writeResult) : undefined,
        onDeadLetter: writeDead,
      });
      const live = startLiveServices({
        pipeline,
        clock,
        stateDir: config.stateDir,
        onError: (err) => process.stderr.write(`urbanflow: live forecasts/plans: ${err.message}\n`),
      });
      // Simulated time runs ahead of the wall clock: a restart resumes after the saved state rather than before it.
      const saved = live.forecasts.latestDataMs();
      if (saved !== null) startMs = Math.max(startMs, Math.ceil(saved / 3_600_000) * 3_600_000);
      // Sensors report at their natural intervals; --speed makes simulated time run faster instead.
      const simulator = createSimulator(city, { seed: config.seed, startMs, speed: config.reportRate });
      let failed: Error | undefined;
      source = startSimulatorSource({
        simulator,
        engine: pipeline.engine,
        startMs,
        speed: config.speed,
        onError: (err) => {
          failed ??= err;
          process.stderr.write(`urbanflow: pipeline stopped: ${err.message}\n`);
        },
      });
      const app = await buildServer({ pipeline, source: 'simulator', isReady: () => failed === undefined });
      const address = await app.listen({ host: config.host, port: config.port });
      process.stderr.write(
        `urbanflow: city ${city.id} (${pipeline.catalog.ids.length} sensors), ${operators.length} operators, ${config.workers} workers, ` +
          `simulator at ${config.speed}x (~${Math.round(simulator.readingsPerSecond * config.speed)} readings/s)\n` +
          `urbanflow: API on ${address}  (try ${address}/v1/operators, ${address}/v1/windows/detector-count-5m/current, ${address}/v1/dead-letters)\n`,
      );
      await new Promise<void>((resolve) => {
        const stop = () => resolve();
        process.once('SIGINT', stop);
        process.once('SIGTERM', stop);
      });
      process.stderr.write('urbanflow: shutting down\n');
      await app.close();
      await source.stop();
      await pipeline.engine.flush();
      await live.close();
      await pipeline.engine.close();
    });
};
