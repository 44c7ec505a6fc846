// What `urbanflow run` starts: the stream pipeline on its source, the live services and the API; and the clean shutdown.
import { closeSync, openSync, writeSync } from 'node:fs';
import { join } from 'node:path';
import { runConfig, type RunConfig, type RunFlags } from '../../config.js';
import { configError } from '../../errors.js';
import { readTextFile } from '../../io/read-text-file.js';
import { buildServer, gracefulShutdown, KeyStore, liveRoutes, type Role, type ServerOptions } from '../../api/index.js';
import { ensureOperatorKey } from '../../api/access/index.js';
import {
  parseOperators,
  DEFAULT_OPERATORS,
  createPipeline,
  createKafkaPipeline,
  startLiveServices,
  catalogFromCity,
  type LiveServices,
} from '../../app/index.js';
import { SharedState, registerScaleOutMetrics } from '../../app/shared-state/index.js';
import type { City } from '../../city/index.js';
import type { OperatorSpec } from '../../stream/index.js';
import { kafkaFlags } from '../kafka-options.js';
import { loadServedCity } from '../served-city.js';
import { parseNgsiLdMapping, type NgsiLdMapping } from '../../io/ngsi-ld/index.js';
import { createSimulator } from '../../sim/index.js';
import { startSimulatorSource, type SimulatorSource } from '../../io/index.js';
import { SolverRuntime } from '../../runtime/index.js';
import type { StopSignal } from '../stop-signal.js';
import { mqttFlags } from '../mqtt-options.js';
import { mqttConfig } from '../../io/mqtt/index.js';

const HOUR = 3_600_000;
/**
 * A warm start replays what the first forecast of every kind needs (30 h for the feeders' half-hourly loads with
 * the default operators) plus this margin, for windows a dropout or the open window at the end leave empty.
 */
const WARM_START_MARGIN_MS = 6 * HOUR;

/** How long a process leads its group before it makes the group's first operator key. */
const BOOTSTRAP_LEADERSHIP_MS = 2_000;

const iso = (ms: number) => new Date(ms).toISOString().replace(':00.000Z', 'Z');
const hoursOf = (ms: number) => Math.round(ms / HOUR);

function readJson(file: string, what: string): unknown {
  let text: string;
  try {
    text = readTextFile(file);
  } catch (err) {
    throw configError(`cannot read the ${what} file ${file}: ${(err as Error).message}`);
  }
  try {
    return JSON.parse(text);
  } catch (err) {
    throw configError(`the ${what} file ${file} is not valid JSON: ${(err as Error).message}`);
  }
}

/**
 * Rows are written at once, not buffered in the process: a row emitted before a checkpoint is in the file even if
 * the process is killed right after (the MQTT source's exactly-once relies on it).
 */
function ndjsonWriter(file: string | undefined): ((row: unknown) => void) | undefined {
  if (!file) return undefined;
  const fd = openSync(file, 'a');
  process.once('exit', () => closeSync(fd));
  return (row) => writeSync(fd, `${JSON.stringify(row)}\n`);
}

/** A POSTed solve running longer than this is stopped and the plan fails (the request is too large to serve). */
const SOLVE_TIMEOUT_MS = 300_000;

/**
 * The one solver runtime of the service, shared by the API's plans and the live plans: the API's threads and one more,
 * so a long POSTed solve does not hold up the live signal plans.
 */
function solverRuntime(config: RunConfig): SolverRuntime {
  return new SolverRuntime({ threads: config.solverThreads + 1, maxQueue: 64, timeoutMs: SOLVE_TIMEOUT_MS });
}

/** The NGSI-LD mapping of --ngsi-ld-mapping, checked before anything starts; undefined for the built-in one. */
function ngsiLdMapping(config: RunConfig): NgsiLdMapping | undefined {
  const file = config.ngsiLdMappingFile;
  return file === undefined
    ? undefined
    : parseNgsiLdMapping(readJson(file, 'NGSI-LD mapping'), `NGSI-LD mapping ${file}`);
}

/** What the API server takes from the run configuration, whatever the source. */
function serviceOptions(
  config: RunConfig,
  keys: KeyStore,
  solvers: SolverRuntime,
  live: Pick<LiveServices, 'forecasts' | 'clock'>,
  mapping: NgsiLdMapping | undefined,
): Pick<ServerOptions, 'stateDir' | 'keys' | 'logger' | 'solvers' | 'warmSolvers' | 'limits' | 'ngsiLd'> {
  return {
    ngsiLd: { mapping, forecasts: { service: live.forecasts, now: live.clock } },
    stateDir: config.stateDir,
    keys,
    logger: { level: config.logLevel },
    solvers,
    // a service: its first plan request should not pay the solvers' compilation
    warmSolvers: true,
    limits: {
      ingestBodyBytes: config.ingestLimitBytes,
      ratePerMinute: config.rateLimits as Partial<Record<Role, number>>,
    },
  };
}

/**
 * Kafka mode: telemetry from the input topic (HTTP ingest forwards to it); results, dead letters and window
 * state to topics, exactly once. The API, live forecasts and plans see committed results only.
 */
async function runOnKafka(
  config: RunConfig,
  city: City,
  operators: OperatorSpec[],
  mapping: NgsiLdMapping | undefined,
  stop: StopSignal,
): Promise<void> {
  const log = (line: string) => process.stderr.write(`urbanflow: ${line}\n`);
  const writeResult = ndjsonWriter(config.resultsFile);
  const pipeline = createKafkaPipeline({
    city,
    operators,
    kafka: config.kafka!,
    outOfOrdernessMs: config.outOfOrdernessMs,
    maxFutureSkewMs: config.maxFutureSkewMs,
    workers: config.workers,
    onResults: writeResult ? (rows) => rows.forEach(writeResult) : undefined,
    onDeadLetter: ndjsonWriter(config.deadLettersFile),
    log,
  });
  const processor = pipeline.engine;
  const solvers = solverRuntime(config);
  // Every process serves the whole city: user state and live plan versions are shared through compacted topics.
  const shared = new SharedState({ config: config.kafka!, log });
  const live = startLiveServices({
    pipeline,
    clock: () => Date.now(),
    stateDir: config.stateDir,
    shared: { replicas: shared.replicas, fits: shared.fits, leads: shared.leads },
    // Refits and plans wait for the whole city's results, not the part read so far.
    holdWhile: () => !pipeline.resultsTable.isCaughtUp,
    solvers,
    onError: (err) => log(`live forecasts/plans: ${err.message}`),
  });
  const keys = KeyStore.open(join(config.stateDir, 'keys.db'));
  const app = await buildServer({
    pipeline,
    source: 'kafka',
    // Complete answers only: not ready until the results and the shared state were read up to their ends.
    sourceReady: () => processor.ready() && pipeline.resultsTable.isCaughtUp && shared.caughtUp,
    ...serviceOptions(config, keys, solvers, live, mapping),
    plugins: [liveRoutes(live)],
  });
  shared.bind({ keys, plans: app.urbanflow.plans.store, city: app.urbanflow.city });
  registerScaleOutMetrics(app.urbanflow.metrics.registry, {
    lags: () => [...pipeline.resultsTable.lags(), ...shared.lags()],
    assignedPartitions: () => processor.kafkaStats().assignedPartitions.length,
    leads: shared.leads,
    errors: () => ({
      publish: shared.publishErrors,
      apply: shared.applyErrors + pipeline.resultsTable.counters.applyErrors,
    }),
  });
  const address = await app.listen({ host: config.host, port: config.port });
  log(
    `city ${city.id} (${pipeline.catalog.ids.length} sensors), ${operators.length} operators, ${config.workers} workers, Kafka ${config.kafka!.brokers}`,
  );
  log(`API on ${address}  (docs ${address}/docs; state in ${config.stateDir})`);
  try {
    await processor.start();
    // The processor made sure the results topic exists.
    await pipeline.resultsTable.start();
    void pipeline.resultsTable.caughtUp.then(() =>
      log(`window results caught up in ${pipeline.resultsTable.catchUpMs} ms`),
    );
    await shared.start();
    // Fits this process holds and the group does not (its state file outlived the topic, say) become the group's.
    live.forecasts.shareOwnFits();
  } catch (err) {
    await app.close();
    await solvers.close();
    await processor.stop();
    await shared.stop();
    await pipeline.resultsTable.stop();
    keys.close();
    throw err;
  }
  // Only now does this process know the keys of the group. A group without an operator key gets one, made by its
  // leader only (processes started together would otherwise each make one), once it has led for a moment: a key
  // made by the member that led just before has reached it by then.
  const bootstrapTimer = setInterval(() => {
    if (keys.hasActive('operator', Date.now())) return clearInterval(bootstrapTimer);
    if (shared.leadingForMs() < BOOTSTRAP_LEADERSHIP_MS) return;
    clearInterval(bootstrapTimer);
    const bootstrap = ensureOperatorKey(keys, Date.now());
    if (bootstrap)
      log(
        `no operator key existed in group ${config.kafka!.applicationId}, so one was created; it is shown only this once:\n\n    ${bootstrap}\n`,
      );
  }, 250);
  const failed = processor.done().then(
    () => undefined,
    (err: Error) => err,
  );
  const outcome = await Promise.race([stop.stopped.then(() => undefined), failed]);
  log(outcome ? `pipeline stopped: ${outcome.message}` : 'shutting down');
  clearInterval(bootstrapTimer);
  await shared.stopReading();
  await pipeline.resultsTable.stop();
  await gracefulShutdown({
    app,
    pipeline,
    stopSources: async () => undefined,
    // Committing and leaving the group is the Kafka source's checkpoint: open windows stay open for the next owner.
    checkpoints: [() => processor.stop()],
    closeConsumers: async () => {
      await live.close();
      await solvers.close();
    },
    drainDelayMs: config.drainDelayMs,
    log,
  });
  await shared.stop();
  keys.close();
  if (outcome) process.exitCode = 1;
}

export async function runService(flags: Record<string, string | undefined>, stop: StopSignal): Promise<void> {
  const mqtt = mqttConfig(mqttFlags(flags), process.env);
  const config = runConfig(
    {
      cityFile: flags.city,
      operatorsFile: flags.operators,
      ngsiLdMappingFile: flags.ngsiLdMapping,
      host: flags.host,
      port: flags.port,
      workers: flags.workers,
      seed: flags.seed,
      speed: flags.speed,
      reportRate: flags.reportRate,
      cold: flags.cold === undefined ? undefined : String(flags.cold),
      outOfOrdernessMs: flags.outOfOrderness,
      idleTimeoutMs: flags.idleTimeout,
      maxFutureSkewMs: flags.maxFutureSkew,
      resultsFile: flags.resultsFile,
      deadLettersFile: flags.deadLettersFile,
      // MQTT telemetry is judged on the wall clock, as HTTP ingest is: no simulator beside it unless asked for.
      source: flags.source ?? (mqtt ? 'http' : undefined),
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
  const mapping = ngsiLdMapping(config);
  const served = await loadServedCity(config.cityFile, config.stateDir);
  if (served.managed) process.stderr.write(`urbanflow: using ${served.origin}\n`);
  const city = served.city;
  const groupings = [...catalogFromCity(city).groupings.keys()];
  const operators = config.operatorsFile
    ? parseOperators(readJson(config.operatorsFile, 'operators'), groupings)
    : DEFAULT_OPERATORS;
  if (config.kafka) return runOnKafka(config, city, operators, mapping, stop);
  // Simulated time starts at the current hour, so results line up with the wall clock at speed 1.
  let startMs = Math.floor(Date.now() / HOUR) * HOUR;
  let source: SimulatorSource | undefined;
  const simulated = config.source === 'simulator';
  const clock = simulated ? () => source?.now() ?? startMs : () => Date.now();
  // The engine judges event time against what the simulator has delivered (its clock at its pace), not the wall.
  const ingestClock = simulated ? () => source?.delivered() ?? startMs : clock;
  const writeResult = ndjsonWriter(config.resultsFile);
  const writeDead = ndjsonWriter(config.deadLettersFile);
  const pipeline = createPipeline({
    city,
    operators,
    watermark: { outOfOrdernessMs: config.outOfOrdernessMs, idleTimeoutMs: config.idleTimeoutMs },
    maxFutureSkewMs: config.maxFutureSkewMs,
    workers: config.workers,
    clock: ingestClock,
    onResults: writeResult ? (rows) => rows.forEach(writeResult) : undefined,
    onDeadLetter: writeDead,
    checkpoints: mqtt !== undefined,
  });
  const solvers = solverRuntime(config);
  const live = startLiveServices({
    pipeline,
    clock,
    stateDir: config.stateDir,
    solvers,
    holdWhile: () => source?.replaying() ?? simulated,
    onError: (err) => process.stderr.write(`urbanflow: live forecasts/plans: ${err.message}\n`),
  });
  // Simulated time runs ahead of the wall clock: a restart resumes after the saved state rather than before it.
  const saved = live.forecasts.latestDataMs();
  if (simulated && saved !== null) startMs = Math.max(startMs, Math.ceil(saved / HOUR) * HOUR);
  // A warm start replays the simulated city's recent past (only what the saved state does not cover).
  const warmSpanMs = Math.ceil((live.forecasts.firstForecastSpanMs() + WARM_START_MARGIN_MS) / HOUR) * HOUR;
  // Load tests (--report-rate above 1) start cold: the replay's cost grows with the report rate.
  const warm = simulated && !config.cold && config.reportRate <= 1;
  if (simulated && !config.cold && !warm)
    process.stderr.write(
      `urbanflow: starting cold: with --report-rate ${config.reportRate} a warm start would replay ${config.reportRate}x the readings\n`,
    );
  const replayFromMs = warm
    ? Math.max(startMs - warmSpanMs, saved === null ? -Infinity : Math.ceil(saved / HOUR) * HOUR)
    : startMs;
  let failed: Error | undefined;
  const keys = KeyStore.open(join(config.stateDir, 'keys.db'));
  // Before any other source: the saved window state is restored into the engine before its first message.
  const mqttService = mqtt
    ? await (
        await import('../../io/mqtt/service.js')
      ).startMqttService({
        config: mqtt,
        pipeline,
        stateDir: config.stateDir,
        keys,
        log: (line) => process.stderr.write(`urbanflow: ${line}\n`),
        onError: (err) => {
          failed ??= err;
          process.stderr.write(`urbanflow: MQTT ingest stopped: ${err.message}\n`);
        },
      })
    : undefined;
  let simulator: ReturnType<typeof createSimulator> | undefined;
  if (simulated) {
    // Sensors report at their natural intervals; --speed makes simulated time run faster instead.
    simulator = createSimulator(city, { seed: config.seed, startMs: replayFromMs, speed: config.reportRate });
    source = startSimulatorSource({
      simulator,
      engine: pipeline.engine,
      startMs,
      replayFromMs,
      speed: config.speed,
      onError: (err) => {
        failed ??= err;
        process.stderr.write(`urbanflow: pipeline stopped: ${err.message}\n`);
      },
    });
  }
  const bootstrap = ensureOperatorKey(keys, Date.now());
  const app = await buildServer({
    pipeline,
    source: config.source,
    // Replaying history is not ready yet: the live routes would answer on part of it.
    sourceReady: () => failed === undefined && !(source?.replaying() ?? false),
    ...serviceOptions(config, keys, solvers, live, mapping),
    plugins: [liveRoutes(live, { serviceRate: simulated ? config.speed : 1, warmUp: () => source?.replayProgress() })],
  });
  // Without the simulator nothing else ticks the engine: idle partitions must still release the watermark.
  const ticker = simulated
    ? undefined
    : setInterval(() => {
        if (app.urbanflow.ingest.depth === 0)
          app.urbanflow.ingest.run(() => pipeline.engine.tick()).catch((err: Error) => (failed ??= err));
      }, 1000);
  // A signal during start-up: what started is stopped the same way, without ever listening.
  if (stop.received === undefined) {
    const address = await app.listen({ host: config.host, port: config.port });
    const feed = [
      simulator
        ? `simulator at ${config.speed}x (~${Math.round(simulator.readingsPerSecond * config.speed)} readings/s)`
        : 'telemetry from POST /v1/telemetry',
      mqttService?.describe(),
    ]
      .filter(Boolean)
      .join(', ');
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
    if (source?.replaying()) {
      process.stderr.write(
        `urbanflow: replaying the simulated city from ${iso(replayFromMs)} to ${iso(startMs)} at full speed (--cold starts without it)\n`,
      );
      void source.live.then((r) => {
        if (r)
          process.stderr.write(
            `urbanflow: replayed ${hoursOf(r.toMs - r.fromMs)} h (${r.readings.toLocaleString('en-US')} readings) in ${(r.wallMs / 1000).toFixed(1)} s; live from ${iso(r.toMs)} at ${config.speed}x\n`,
          );
      });
    }
  } else if (bootstrap) {
    // The key exists now; shown even though the API never listened, since it is shown only once.
    process.stderr.write(
      `urbanflow: no operator key existed, so one was created; it is shown only this once:\n\n    ${bootstrap}\n\n`,
    );
  }
  await stop.stopped;
  process.stderr.write('urbanflow: shutting down\n');
  await gracefulShutdown({
    app,
    pipeline,
    stopSources: async () => {
      clearInterval(ticker);
      await source?.stop();
      await mqttService?.stop();
    },
    // With MQTT, window state is saved for the next start (the last checkpoint above): open windows stay open.
    checkpoints: mqttService ? [async () => undefined] : undefined,
    closeConsumers: async () => {
      await live.close();
      await solvers.close();
    },
    drainDelayMs: config.drainDelayMs,
    log: (m) => process.stderr.write(`urbanflow: ${m}\n`),
  });
  keys.close();
}
