// The MQTT side of `urbanflow run`: restores the saved window state, then subscribes to the city's broker and/or
// starts the embedded one, all feeding one ingest; `stop` commits and acknowledges what was taken.
import type { Pipeline } from '../../app/index.js';
import type { KeyStore } from '../../api/access/index.js';
import type { StreamEngine } from '../../stream/index.js';
import { stateLayout } from '../../stream/state-layout.js';
import { MqttCheckpointStore } from './checkpoint-store.js';
import { startMqttClientSource, type MqttClientSource } from './client-source.js';
import type { MqttConfig } from './config.js';
import { MqttIngest } from './ingest.js';

export interface MqttService {
  ingest: MqttIngest;
  /** The embedded broker's port, when one was started. */
  brokerPort?: number;
  describe(): string;
  stop(): Promise<void>;
}

export interface MqttServiceOptions {
  config: MqttConfig;
  pipeline: Pipeline<StreamEngine>;
  stateDir: string;
  keys: KeyStore;
  log: (line: string) => void;
  onError: (err: Error) => void;
}

export async function startMqttService(o: MqttServiceOptions): Promise<MqttService> {
  const { config, pipeline } = o;
  const store = MqttCheckpointStore.open(
    o.stateDir,
    pipeline.catalog,
    pipeline.operators,
    stateLayout(pipeline.catalog, pipeline.operators),
  );
  const { ingest, restoredKeys } = await MqttIngest.start({
    engine: pipeline.engine,
    catalog: pipeline.catalog,
    operators: pipeline.operators,
    readingTopic: config.readingTopic,
    batchTopic: config.batchTopic,
    deadLetter: pipeline.deadLetters.add,
    store,
    onError: o.onError,
  });
  if (restoredKeys > 0) o.log(`mqtt: restored the window state of ${restoredKeys} keys from ${store.file}`);
  let client: MqttClientSource | undefined;
  let broker: { port: number; close(): Promise<void> } | undefined;
  try {
    if (config.listenPort !== undefined) {
      const { startEmbeddedBroker } = await import('./broker.js');
      broker = await startEmbeddedBroker({
        port: config.listenPort,
        host: config.listenHost,
        keys: o.keys,
        ingest,
        topics: [config.readingTopic, config.batchTopic],
        log: o.log,
      });
    }
    if (config.url !== undefined) {
      client = await startMqttClientSource({
        url: config.url,
        clientId: config.clientId,
        cleanSession: config.cleanSession,
        qos: config.qos,
        username: config.username,
        password: config.password,
        ca: config.ca,
        cert: config.cert,
        key: config.key,
        rejectUnauthorized: config.rejectUnauthorized,
        topics: [config.readingTopic, config.batchTopic],
        ingest,
        log: o.log,
      });
    }
  } catch (err) {
    await broker?.close();
    await ingest.close();
    store.close();
    throw err;
  }
  return {
    ingest,
    brokerPort: broker?.port,
    describe: () =>
      [
        config.url
          ? `MQTT ${config.url} (${config.readingTopic.filter}, ${config.batchTopic.filter}, QoS ${config.qos})`
          : undefined,
        broker ? `embedded MQTT broker on ${config.listenHost}:${broker.port}` : undefined,
      ]
        .filter(Boolean)
        .join(', '),
    async stop() {
      if (client) await client.stop();
      await ingest.close();
      await broker?.close();
      store.close();
    },
  };
}
