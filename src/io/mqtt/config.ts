// The MQTT configuration of `urbanflow run`: the broker to subscribe to (--mqtt) and/or the embedded broker
// (--mqtt-listen), topic templates, QoS, session and TLS; each flag also as a URBANFLOW_MQTT_* variable.
import { hostname } from 'node:os';
import { configError } from '../../errors.js';
import { readTextFile } from '../read-text-file.js';
import { DEFAULT_BATCH_TOPIC, DEFAULT_READING_TOPIC, parseTopicTemplate, type TopicTemplate } from './topics.js';

export interface MqttFlags {
  url?: string;
  listen?: string;
  listenHost?: string;
  topic?: string;
  batchTopic?: string;
  qos?: string;
  clientId?: string;
  cleanSession?: string;
  username?: string;
  password?: string;
  ca?: string;
  cert?: string;
  key?: string;
  insecure?: string;
}

export interface MqttConfig {
  /** A broker to subscribe to. */
  url?: string;
  /** The embedded broker's port (0 picks a free one). */
  listenPort?: number;
  listenHost: string;
  readingTopic: TopicTemplate;
  batchTopic: TopicTemplate;
  qos: 0 | 1;
  /** Stable across restarts: the broker keeps the session (subscriptions, unacknowledged messages) under it. */
  clientId: string;
  /** false (the default of `urbanflow run --mqtt`): a persistent session, so readings published during a restart are delivered after it. */
  cleanSession: boolean;
  username?: string;
  password?: string;
  /** PEM contents (not file names) read from the files named by the flags: CA bundle, client certificate and key for mutual TLS. */
  ca?: string;
  cert?: string;
  key?: string;
  rejectUnauthorized: boolean;
}

const ENV: Record<keyof MqttFlags, string> = {
  url: 'URBANFLOW_MQTT_URL',
  listen: 'URBANFLOW_MQTT_LISTEN',
  listenHost: 'URBANFLOW_MQTT_LISTEN_HOST',
  topic: 'URBANFLOW_MQTT_TOPIC',
  batchTopic: 'URBANFLOW_MQTT_BATCH_TOPIC',
  qos: 'URBANFLOW_MQTT_QOS',
  clientId: 'URBANFLOW_MQTT_CLIENT_ID',
  cleanSession: 'URBANFLOW_MQTT_CLEAN_SESSION',
  username: 'URBANFLOW_MQTT_USERNAME',
  password: 'URBANFLOW_MQTT_PASSWORD',
  ca: 'URBANFLOW_MQTT_CA',
  cert: 'URBANFLOW_MQTT_CERT',
  key: 'URBANFLOW_MQTT_KEY',
  insecure: 'URBANFLOW_MQTT_INSECURE',
};

function pem(file: string | undefined, flag: string): string | undefined {
  if (file === undefined) return undefined;
  try {
    return readTextFile(file);
  } catch (err) {
    throw configError(`${flag}: cannot read ${file}: ${(err as Error).message}`);
  }
}

function bool(text: string | undefined, flag: string): boolean {
  if (text === undefined) return false;
  const t = text.trim().toLowerCase();
  if (['1', 'true', 'yes', 'on', ''].includes(t)) return true;
  if (['0', 'false', 'no', 'off'].includes(t)) return false;
  throw configError(`${flag} must be true or false (got "${text}")`);
}

/** Undefined when neither --mqtt nor --mqtt-listen is given. */
export function mqttConfig(flags: MqttFlags, env: NodeJS.ProcessEnv): MqttConfig | undefined {
  const get = (k: keyof MqttFlags): string | undefined => flags[k] ?? env[ENV[k]];
  const url = get('url');
  const listen = get('listen');
  if (url === undefined && listen === undefined) return undefined;
  if (url !== undefined && !/^(mqtts?|wss?):\/\/[^/]+/.test(url))
    throw configError(`--mqtt must be a broker URL like mqtt://host:1883 or mqtts://host:8883 (got "${url}")`);
  let listenPort: number | undefined;
  if (listen !== undefined) {
    listenPort = Number(listen);
    if (!Number.isInteger(listenPort) || listenPort < 0 || listenPort > 65535)
      throw configError(`--mqtt-listen must be a port number 0-65535 (got "${listen}")`);
  }
  const qosText = get('qos') ?? '1';
  if (qosText !== '0' && qosText !== '1') throw configError(`--mqtt-qos must be 0 or 1 (got "${qosText}")`);
  const clientId = get('clientId') ?? `urbanflow-${hostname()}`;
  if (clientId.length === 0 || clientId.length > 128) throw configError('--mqtt-client-id must be 1-128 characters');
  const cert = pem(get('cert'), '--mqtt-cert');
  const key = pem(get('key'), '--mqtt-key');
  if ((cert === undefined) !== (key === undefined))
    throw configError('--mqtt-cert and --mqtt-key go together (a client certificate and its private key)');
  return {
    url,
    listenPort,
    listenHost: get('listenHost') ?? '127.0.0.1',
    readingTopic: parseTopicTemplate(get('topic') ?? DEFAULT_READING_TOPIC, '--mqtt-topic', ['sensor', 'metric']),
    batchTopic: parseTopicTemplate(get('batchTopic') ?? DEFAULT_BATCH_TOPIC, '--mqtt-batch-topic'),
    qos: qosText === '1' ? 1 : 0,
    clientId,
    cleanSession: bool(get('cleanSession'), '--mqtt-clean-session'),
    username: get('username'),
    password: get('password'),
    ca: pem(get('ca'), '--mqtt-ca'),
    cert,
    key,
    rejectUnauthorized: !bool(get('insecure'), '--mqtt-insecure'),
  };
}
