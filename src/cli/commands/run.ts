// `urbanflow run`: the engine on the embedded city simulator (or HTTP ingest only, or Kafka) with the HTTP API (the default of `npm start`).
import { createWriteStream, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { loadCity, loadSampleCity } from '../../city/index.js';
import { runConfig, type RunConfig, type RunFlags } from '../../config.js';
import { configError } from '../../errors.js';
import { buildServer, gracefulShutdown, KeyStore, liveRoutes, loadManagedCity, type Role, type ServerOptions } from '../../api/index.js';
import { ensureOperatorKey } from '../../api/access/index.js';
import { parseOperators, DEFAULT_OPERATORS } from '../../app/operators.js';
import { createPipeline } from '../../app/pipeline.js';
import { createKafkaPipeline } from '../../app/kafka-pipeline.js';
import type { City } from '../../city/index.js';
import type { OperatorSpec } from '../../stream/index.js';
import { addKafkaOptions, kafkaFlags } from '../kafka-options.js';
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

/** What the API server takes from the run configuration, whatever the source. */
function serviceOptions(config: RunConfig, keys: KeyStore): Pick<ServerOptions, 'stateDir' | 'keys' | 'logger' | 'solverThreads' | 'warmSolvers' | 'limits'> {
  return {
    stateDir: config.stateDir,
    keys,
    logger: { level: config.logLevel },
    solverThreads: config.solverThreads,
    // a service: its first plan request should not pay the solvers' compilation
    warmSolvers: true,
    limits: { ingestBodyBytes: config.ingestLimitBytes, ratePerMinute: config.rateLimits as Partial<Record<Role, number>> },
  };
}

/**
 * Kafka mode: telemetry from the input topic (HTTP ingest forwards to it); results, dead letters and window
 * state to topics, exactly once. The API, live forecasts and plans see committed results only.
 */
async function runOnKafka(config: RunConfig, city: City, operators: OperatorSpec[]): Promise<void> {
  const log = (line: string) => process.stderr.write(`urbanflow: ${line}\n`);
  const writeResult = ndjsonWriter(config.resultsFile);
  const pipeline = createKafkaPipeline({
    city,
    operators,
    kafka: config.kafka!,
    outOfOrdernessMs: config.outOfOrdernessMs,
    workers: config.workers,
    onResults: writeResult ? (rows) => rows.forEach(writeResult) : undefined,
    onDeadLetter: ndjsonWriter(config.deadLettersFile),
    log,
  });
  const processor = pipeline.engine;
  const live = startLiveServices({ pipeline, clock: () => Date.now(), stateDir: config.stateDir, onError: (err) => log(`live forecasts/plans: ${err.message}`) });
  const keys = KeyStore.open(join(config.stateDir, 'keys.db'));
  const bootstrap = ensureOperatorKey(keys, Date.now());
  const app = await buildServer({
    pipeline,
    source: 'kafka',
    sourceReady: () => processor.ready(),
    ...serviceOptions(config, keys),
    plugins: [liveRoutes(live)],
  });
  const address = await app.listen({ host: config.host, port: config.port });
  log(`city ${city.id} (${pipeline.catalog.ids.length} sensors), ${operators.length} operators, ${config.workers} workers, Kafka ${config.kafka!.brokers}`);
  log(`API on ${address}  (docs ${address}/docs; state in ${config.stateDir})`);
  if (bootstrap) log(`no operator key existed, so one was created; it is shown only this once:\n\n    ${bootstrap}\n`);
  try {
    await processor.start();
  } catch (err) {
    await app.close();
    await processor.stop();
    keys.close();
    throw err;
  }
  const failed = processor.done().then(
    () => undefined,
    (err: Error) => err,
  );
  const stop = new Promise<undefined>((resolve) => {
    process.once('SIGINT', () => resolve(undefined));
    process.once('SIGTERM', () => resolve(undefined));
  });
  const outcome = await Promise.race([stop, failed]);
  log(outcome ? `pipeline stopped: ${outcome.message}` : 'shutting down');
  await gracefulShutdown({
    app,
    pipeline,
    stopSources: async () => undefined,
    // Committing and leaving the group is the Kafka source's checkpoint: open windows stay open for the next owner.
    checkpoints: [() => processor.stop()],
    closeConsumers: () => live.close(),
    drainDelayMs: config.drainDelayMs,
    log,
  });
  keys.close();
  if (outcome) process.exitCode = 1;
}

export const registerRunCommand: RegisterCommand = (program) => {
  const cmd = program
    .command('run')
    .description('run the engine on the embedded city simulator (or on Kafka with --kafka) and serve the HTTP API')
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
    .option('--source <name>', 'simulator (default) or http: telemetry only from POST /v1/telemetry, on the wall clock')
    .option('--state-dir <dir>', 'forecast history, models, plan versions, API keys, stored plans and the managed city copy (default .urbanflow)')
    .option('--solver-threads <n>', 'worker threads for dispatch, route and signal solves (default 1)')
    .option('--rate-limit <list>', 'requests per minute per API key by role, e.g. utility=600,operator=0 (0: unlimited)')
    .option('--ingest-limit <size>', 'largest telemetry request body (default 16mb)')
    .option('--log-level <level>', 'JSON log level: info (default), debug, warn, error, silent')
    .option('--drain-delay <duration>', 'on SIGTERM, fail readiness this long before closing the listener (default 0s)');
  addKafkaOptions(cmd)
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
          source: flags.source,
          stateDir: flags.stateDir,
          solverThreads: flags.solverThreads,
          rateLimits: flags.rateLimit,
          ingestLimitBytes: flags.ingestLimit,
          logLevel: flags.logLevel,
          drainDelayMs: flags.drainDelay,
        } satisfies RunFlags,
        process.env,
        process.cwd(),
        kafkaFlags(flags),
      );
      const deprecated = (file: string) => (message: string) => process.stderr.write(`urbanflow: warning: ${file}: ${message}\n`);
      const baseCity = config.cityFile ? loadCity(readJson(config.cityFile, 'city'), deprecated(config.cityFile)) : loadSampleCity();
      // Edits made through the API are kept in the state directory and win over the file the city came from.
      const managed = loadManagedCity(config.stateDir, baseCity.id, deprecated(`the managed copy of city ${baseCity.id}`));
      if (managed) process.stderr.write(`urbanflow: using the API-managed copy of city ${baseCity.id} from ${config.stateDir}\n`);
      const city = managed ?? baseCity;
      const groupings = [...catalogFromCity(city).groupings.keys()];
      const operators = config.operatorsFile ? parseOperators(readJson(config.operatorsFile, 'operators'), groupings) : DEFAULT_OPERATORS;
      if (config.kafka) return runOnKafka(config, city, operators);
      // Simulated time starts at the current hour, so results line up with the wall clock at speed 1.
      let startMs = Math.floor(Date.now() / 3_600_000) * 3_600_000;
      let source: SimulatorSource | undefined;
      const simulated = config.source === 'simulator';
      const clock = simulated ? () => source?.now() ?? startMs : () => Date.now();
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
      if (simulated && saved !== null) startMs = Math.max(startMs, Math.ceil(saved / 3_600_000) * 3_600_000);
      let failed: Error | undefined;
      let simulator: ReturnType<typeof createSimulator> | undefined;
      if (simulated) {
        // Sensors report at their natural intervals; --speed makes simulated time run faster instead.
        simulator = createSimulator(city, { seed: config.seed, startMs, speed: config.reportRate });
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
      }
      const keys = KeyStore.open(join(config.stateDir, 'keys.db'));
      const bootstrap = ensureOperatorKey(keys, Date.now());
      const app = await buildServer({
        pipeline,
        source: config.source,
        sourceReady: () => failed === undefined,
        ...serviceOptions(config, keys),
        plugins: [liveRoutes(live, { serviceRate: simulated ? config.speed : 1 })],
      });
      // Without the simulator nothing else ticks the engine: idle partitions must still release the watermark.
      const ticker = simulated
        ? undefined
        : setInterval(() => {
            if (app.urbanflow.ingest.depth === 0) app.urbanflow.ingest.run(() => pipeline.engine.tick()).catch((err: Error) => (failed ??= err));
          }, 1000);
      const address = await app.listen({ host: config.host, port: config.port });
      const feed = simulator ? `simulator at ${config.speed}x (~${Math.round(simulator.readingsPerSecond * config.speed)} readings/s)` : 'telemetry from POST /v1/telemetry';
      process.stderr.write(
        `urbanflow: city ${city.id} (${pipeline.catalog.ids.length} sensors), ${operators.length} operators, ${config.workers} workers, ${feed}\n` +
          `urbanflow: API on ${address}  (docs ${address}/docs, OpenAPI ${address}/openapi.json; state in ${config.stateDir})\n`,
      );
      if (bootstrap) {
        process.stderr.write(
          `urbanflow: no operator key existed, so one was created; it is shown only this once:\n\n    ${bootstrap}\n\n` +
            `urbanflow: try  curl -H "Authorization: Bearer ${bootstrap}" ${address}/v1/operators   (manage keys with \`urbanflow keys\`)\n`,
        );
      }
      await new Promise<void>((resolve) => {
        process.once('SIGINT', resolve);
        process.once('SIGTERM', resolve);
      });
      process.stderr.write('urbanflow: shutting down\n');
      await gracefulShutdown({
        app,
        pipeline,
        stopSources: async () => {
          clearInterval(ticker);
          await source?.stop();
        },
        closeConsumers: () => live.close(),
        drainDelayMs: config.drainDelayMs,
        log: (m) => process.stderr.write(`urbanflow: ${m}\n`),
      });
      keys.close();
    });
};
