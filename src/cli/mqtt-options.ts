// The MQTT flags of `run` (and the publishing ones of `simulate`); each maps to a URBANFLOW_MQTT_* variable (src/io/mqtt/config.ts).
import type { Command } from 'commander';
import type { MqttFlags } from '../io/mqtt/index.js';

export function addMqttOptions(cmd: Command): Command {
  return cmd
    .option(
      '--mqtt <url>',
      'subscribe to this MQTT broker for telemetry: mqtt://host:1883, mqtts://host:8883 (URBANFLOW_MQTT_URL)',
    )
    .option(
      '--mqtt-listen <port>',
      'start an embedded MQTT broker on this port; devices log in with an API key as password (URBANFLOW_MQTT_LISTEN)',
    )
    .option('--mqtt-listen-host <host>', 'address of the embedded broker (default 127.0.0.1)')
    .option(
      '--mqtt-topic <template>',
      'topic of one reading, its payload a number or JSON {value, ts, quality} (default urbanflow/{tenant}/{sensor}/{metric})',
    )
    .option(
      '--mqtt-batch-topic <template>',
      'topic of MessagePack/JSON single readings and gateway batches as on Kafka (default urbanflow/{tenant}/batch)',
    )
    .option(
      '--mqtt-qos <0|1>',
      'subscription QoS (default 1: at least once from the broker, exactly once into the windows)',
    )
    .option('--mqtt-client-id <id>', 'stable client id of the persistent session (default urbanflow-<hostname>)')
    .option(
      '--mqtt-clean-session',
      'start a new session each time (readings published while urbanflow is down are lost)',
    )
    .option('--mqtt-username <name>', 'broker user name')
    .option('--mqtt-password <password>', 'broker password (better: URBANFLOW_MQTT_PASSWORD)')
    .option('--mqtt-ca <file>', 'PEM CA certificate(s) to verify the broker with (mqtts://)')
    .option('--mqtt-cert <file>', 'PEM client certificate for mutual TLS')
    .option('--mqtt-key <file>', 'PEM private key of the client certificate')
    .option('--mqtt-insecure', 'do not verify the broker certificate (tests only)');
}

export function mqttFlags(o: Record<string, unknown>): MqttFlags {
  const s = (k: string) => (o[k] === true ? 'true' : (o[k] as string | undefined));
  return {
    url: s('mqtt'),
    listen: s('mqttListen'),
    listenHost: s('mqttListenHost'),
    topic: s('mqttTopic'),
    batchTopic: s('mqttBatchTopic'),
    qos: s('mqttQos'),
    clientId: s('mqttClientId'),
    cleanSession: s('mqttCleanSession'),
    username: s('mqttUsername'),
    password: s('mqttPassword'),
    ca: s('mqttCa'),
    cert: s('mqttCert'),
    key: s('mqttKey'),
    insecure: s('mqttInsecure'),
  };
}
