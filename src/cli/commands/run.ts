// `urbanflow run`: the engine on the embedded city simulator (or HTTP ingest only, or Kafka) with the HTTP API (the default of `npm start`).
import { addKafkaOptions } from '../kafka-options.js';
import { addMqttOptions } from '../mqtt-options.js';
import { listenForStop } from '../stop-signal.js';
import type { RegisterCommand } from './index.js';

export const registerRunCommand: RegisterCommand = (program) => {
  const cmd = program
    .command('run')
    .description('run the engine on the embedded city simulator (or on Kafka with --kafka) and serve the HTTP API')
    .option('--city <file>', 'city file (default: the shipped sample city)')
    .option('--operators <file>', 'JSON array of stream operator declarations (default: the built-in set)')
    .option(
      '--ngsi-ld-mapping <file>',
      'JSON mapping of NGSI-LD entity types and attributes to metrics for POST /v1/ngsi-ld/notify (default: the built-in Smart Data Models mapping)',
    )
    .option('--host <host>', 'API address (default 127.0.0.1)')
    .option('--port <port>', 'API port (default 8080; 0 picks a free one)')
    .option('--workers <n>', 'worker threads for window aggregation (default 2; 0 runs them on the main thread)')
    .option('--seed <n>', 'simulator seed (default 1)')
    .option('--speed <x>', 'simulated seconds per wall-clock second (default 60; 1 is real time)')
    .option(
      '--cold',
      "start the simulator without history (default: first replay the simulated city's last day and a half at full speed, so forecasts and plans exist at once)",
    )
    .option(
      '--report-rate <x>',
      'simulated sensors report x times as often as they naturally do, for load tests (default 1)',
    )
    .option('--out-of-orderness <duration>', 'watermark bound on event-time disorder (default 30s)')
    .option('--idle-timeout <duration>', 'a silent source stops holding the watermark after this (default 5m)')
    .option(
      '--max-future-skew <duration>',
      'readings further ahead of the ingest clock are `future` dead letters and move no watermark (default 5m)',
    )
    .option('--results-file <file>', 'also append every window result to this NDJSON file')
    .option('--dead-letters-file <file>', 'also append every dead letter to this NDJSON file')
    .option('--source <name>', 'simulator (default) or http: telemetry only from POST /v1/telemetry, on the wall clock')
    .option(
      '--state-dir <dir>',
      'forecast history, models, plan versions, API keys, stored plans and the managed city copy (default .urbanflow)',
    )
    .option('--solver-threads <n>', 'worker threads for dispatch, route and signal solves (default 1)')
    .option(
      '--rate-limit <list>',
      'requests per minute per API key by role, e.g. utility=600,operator=0 (0: unlimited)',
    )
    .option('--ingest-limit <size>', 'largest telemetry request body (default 16mb)')
    .option('--log-level <level>', 'JSON log level: info (default), debug, warn, error, silent')
    .option(
      '--drain-delay <duration>',
      'on SIGTERM, fail readiness this long before closing the listener (default 0s)',
    );
  addMqttOptions(addKafkaOptions(cmd)).action(async (flags: Record<string, string | undefined>) => {
    // Signals first: the service's modules take a while to load and start, and a SIGTERM meanwhile must still end cleanly.
    const stop = listenForStop((line) => process.stderr.write(`urbanflow: ${line}\n`));
    process.stderr.write('urbanflow: starting (SIGINT or SIGTERM stops cleanly from now on)\n');
    const { runService } = await import('./run-service.js');
    await runService(flags, stop);
  });
};
