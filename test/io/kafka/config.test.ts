// Kafka configuration from flags, URBANFLOW_* variables and a properties file; what exactly-once needs cannot be overridden.
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { kafkaConfig, runConfig } from '../../../src/config.js';
import { consumerConfig, producerConfig } from '../../../src/io/kafka/client-config.js';

describe('Kafka configuration', () => {
  it('is absent without brokers, so run keeps the embedded simulator', () => {
    expect(kafkaConfig({}, {})).toBeUndefined();
    expect(runConfig({}, {}).kafka).toBeUndefined();
  });

  it('takes flags over environment over defaults, and passes librdkafka properties through from a file, the environment and flags', () => {
    const dir = mkdtempSync(join(tmpdir(), 'uf-kafka-config-'));
    const file = join(dir, 'client.properties');
    writeFileSync(file, '# security\nsecurity.protocol=SASL_SSL\nsasl.mechanisms=PLAIN\n\nsasl.username=from-file\n');
    const env = {
      URBANFLOW_KAFKA_BROKERS: 'env:9092',
      URBANFLOW_KAFKA_GROUP: 'city-a',
      URBANFLOW_KAFKA_COMMIT_INTERVAL: '2s',
      URBANFLOW_KAFKA_CONFIG_FILE: file,
      URBANFLOW_LIBRDKAFKA_SASL_USERNAME: 'from-env',
      URBANFLOW_LIBRDKAFKA_SSL_CA_LOCATION: '/etc/ca.pem',
    };
    const c = kafkaConfig({ brokers: 'b1:9092,b2:9092', properties: ['sasl.password=secret', 'client.rack=r1'] }, env)!;
    expect(c.brokers).toBe('b1:9092,b2:9092');
    expect(c.applicationId).toBe('city-a');
    expect(c.commitIntervalMs).toBe(2000);
    expect(c.inputTopic).toBe('urbanflow.telemetry');
    expect(c.properties).toEqual({
      'security.protocol': 'SASL_SSL',
      'sasl.mechanisms': 'PLAIN',
      'sasl.username': 'from-env',
      'ssl.ca.location': '/etc/ca.pem',
      'sasl.password': 'secret',
      'client.rack': 'r1',
    });
    // Pass-through properties reach every client; the ones exactly-once depends on stay the engine's.
    const consumer = consumerConfig(c);
    expect(consumer).toMatchObject({
      'security.protocol': 'SASL_SSL',
      'isolation.level': 'read_committed',
      'enable.auto.commit': false,
      'group.id': 'city-a',
    });
    expect(producerConfig(c, 'city-a-x')).toMatchObject({
      'sasl.password': 'secret',
      'transactional.id': 'city-a-x',
      'enable.idempotence': true,
    });
  });

  it('refuses properties that exactly-once depends on, and bad values, naming them', () => {
    expect(() => kafkaConfig({ brokers: 'b:9092', properties: ['isolation.level=read_uncommitted'] }, {})).toThrow(
      /isolation.level is set by urbanflow/,
    );
    expect(() => kafkaConfig({ brokers: 'b:9092', properties: ['enable.auto.commit=true'] }, {})).toThrow(
      /enable.auto.commit/,
    );
    expect(() => kafkaConfig({ brokers: 'b:9092', properties: ['novalue'] }, {})).toThrow(/key=value/);
    expect(() => kafkaConfig({ brokers: 'b:9092', inputTopic: 'bad topic' }, {})).toThrow(
      /not a valid Kafka topic name/,
    );
    expect(() => kafkaConfig({ brokers: 'b:9092', commitIntervalMs: 'soon' }, {})).toThrow(/commit interval/);
    expect(() => kafkaConfig({ brokers: 'b:9092', propertiesFile: '/no/such/file' }, {})).toThrow(
      /cannot read the Kafka properties file/,
    );
  });

  it('makes a process with a stable instance id a static group member', () => {
    const c = kafkaConfig({ brokers: 'b:9092', instanceId: 'pod-3' }, {})!;
    expect(consumerConfig(c)['group.instance.id']).toBe('urbanflow-pod-3');
    expect(consumerConfig(kafkaConfig({ brokers: 'b:9092' }, {})!)['group.instance.id']).toBeUndefined();
  });
});
