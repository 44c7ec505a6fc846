// The MQTT source: a client of the city's broker (Mosquitto, EMQX, a LoRaWAN network server's) in a persistent
// session, whose QoS 1 acknowledgements wait for the checkpoint that holds the message's readings.
import mqtt, { type IClientOptions, type IPublishPacket, type MqttClient, type Packet } from 'mqtt';
import { configError } from '../../errors.js';
import type { MqttConfig } from './config.js';
import type { MqttIngest } from './ingest.js';
import type { TopicTemplate } from './topics.js';

/** The broker connection as `urbanflow run` configures it (session, QoS, credentials, TLS), with its URL required. */
export interface MqttClientSourceOptions extends Pick<
  MqttConfig,
  'clientId' | 'cleanSession' | 'qos' | 'username' | 'password' | 'ca' | 'cert' | 'key' | 'rejectUnauthorized'
> {
  /** mqtt://host:port, mqtts://host:port (TLS), ws:// or wss://. */
  url: string;
  topics: readonly TopicTemplate[];
  ingest: MqttIngest;
  /** How long the first connection may take before start-up fails (default 30 s). */
  connectTimeoutMs?: number;
  log: (line: string) => void;
}

export interface MqttClientSource {
  readonly client: MqttClient;
  /** Takes nothing more, commits what was taken and acknowledges it, then leaves the broker (the session stays). */
  stop(): Promise<void>;
}

const FATAL_TLS_CODES = new Set([
  'DEPTH_ZERO_SELF_SIGNED_CERT',
  'SELF_SIGNED_CERT_IN_CHAIN',
  'UNABLE_TO_VERIFY_LEAF_SIGNATURE',
  'UNABLE_TO_GET_ISSUER_CERT_LOCALLY',
  'CERT_HAS_EXPIRED',
  'ERR_TLS_CERT_ALTNAME_INVALID',
]);

type SendPacket = (packet: Packet, cb?: (err?: Error) => void, ...rest: unknown[]) => void;

export async function startMqttClientSource(o: MqttClientSourceOptions): Promise<MqttClientSource> {
  const options: IClientOptions = {
    clientId: o.clientId,
    clean: o.cleanSession,
    protocolVersion: 4,
    reconnectPeriod: 1000,
    connectTimeout: 10_000,
    resubscribe: true,
    rejectUnauthorized: o.rejectUnauthorized,
    ...(o.username === undefined ? {} : { username: o.username }),
    ...(o.password === undefined ? {} : { password: o.password }),
    ...(o.ca === undefined ? {} : { ca: o.ca }),
    ...(o.cert === undefined ? {} : { cert: o.cert }),
    ...(o.key === undefined ? {} : { key: o.key }),
  };
  const client = mqtt.connect(o.url, { ...options, manualConnect: true });
  // mqtt.js calls its `debug` logger several times per packet, formatting arguments even when it is off (about 7% of
  // the ingest thread with one reading a message): replaced by nothing unless DEBUG=mqttjs* turned it on.
  if (!(client.log as { enabled?: boolean }).enabled) client.log = () => undefined;
  // A connection's packet ids mean nothing on the next one: acknowledgements held for a closed connection are
  // dropped (the broker redelivers those messages and the redelivery filter recognises them).
  let connection = 0;
  let nextAck: { durable: Promise<void>; connection: number } | undefined;
  const internals = client as unknown as { _sendPacket: SendPacket };
  const send = internals._sendPacket.bind(client);
  // mqtt.js sends PUBACK as soon as handleMessage calls back, and reads the next packet only after that; holding the
  // callback until a checkpoint would stall the stream. So handleMessage calls back at once and the PUBACK itself is
  // held here until the message's readings are durable.
  internals._sendPacket = (packet, cb, ...rest) => {
    if (packet.cmd === 'puback' && nextAck) {
      const held = nextAck;
      nextAck = undefined;
      cb?.();
      held.durable.then(
        () => {
          if (held.connection === connection && client.connected) send(packet);
        },
        (err: Error) =>
          o.log(`mqtt: a checkpoint failed, message ${packet.messageId} stays unacknowledged: ${err.message}`),
      );
      return;
    }
    send(packet, cb, ...rest);
  };
  client.handleMessage = (packet: IPublishPacket, callback) => {
    // Stopping: the message is neither taken nor acknowledged (the broker keeps it for the next start).
    if (o.ingest.isClosed) return;
    const payload = typeof packet.payload === 'string' ? Buffer.from(packet.payload) : packet.payload;
    const durable = o.ingest.accept(packet.topic, payload, packet.qos);
    if (durable) nextAck = { durable, connection };
    const wait = o.ingest.backpressure();
    if (wait) wait.then(() => callback(), callback);
    else callback();
  };
  client.on('close', () => connection++);
  client.on('error', (err) => o.log(`mqtt: ${err.message}`));
  client.on('reconnect', () => o.log(`mqtt: reconnecting to ${o.url}`));
  const filters = Object.fromEntries(o.topics.map((t) => [t.filter, { qos: o.qos }]));
  const connected = new Promise<void>((resolve, reject) => {
    const timer = setTimeout(
      () =>
        reject(
          configError(
            `cannot connect to the MQTT broker at ${o.url} within ${o.connectTimeoutMs ?? 30_000} ms${lastError ? `: ${lastError.message}` : ''}`,
          ),
        ),
      o.connectTimeoutMs ?? 30_000,
    );
    let lastError: Error | undefined;
    client.on('error', (err: Error & { code?: string | number }) => {
      lastError = err;
      // A broker certificate that cannot be verified, or credentials the broker refuses, will not get better by retrying.
      if (
        (typeof err.code === 'string' && FATAL_TLS_CODES.has(err.code)) ||
        /Connection refused|Not authorized|Bad username or password/i.test(err.message)
      ) {
        clearTimeout(timer);
        reject(
          configError(
            `cannot connect to the MQTT broker at ${o.url}: ${err.message}${typeof err.code === 'string' ? ` (${err.code})` : ''}`,
          ),
        );
      }
    });
    client.once('connect', (ack) => {
      clearTimeout(timer);
      o.log(`mqtt: connected to ${o.url} as ${o.clientId} (${ack.sessionPresent ? 'session resumed' : 'new session'})`);
      client.subscribe(filters, (err, granted) => {
        if (err)
          return reject(
            configError(`cannot subscribe to ${Object.keys(filters).join(', ')} at ${o.url}: ${err.message}`),
          );
        const refused = (granted ?? []).filter((g) => g.qos === 128);
        if (refused.length > 0)
          return reject(
            configError(
              `the broker at ${o.url} refused the subscription to ${refused.map((g) => g.topic).join(', ')} (check its ACL for this user)`,
            ),
          );
        resolve();
      });
    });
  });
  client.connect();
  try {
    await connected;
  } catch (err) {
    client.end(true);
    throw err;
  }
  return {
    client,
    async stop() {
      await o.ingest.close();
      // The acknowledgements the last checkpoint released are written before the connection ends.
      await new Promise<void>((resolve) => setImmediate(resolve));
      await client.endAsync(false);
    },
  };
}
