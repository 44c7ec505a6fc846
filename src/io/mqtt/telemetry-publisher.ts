// Publishes telemetry to an MQTT broker, the producer side of the MQTT source (`urbanflow simulate --mqtt`):
// gateway batches on the batch topic, or one reading per message on the reading topic (`{value, ts}` JSON).
import mqtt, { type IClientOptions, type MqttClient } from 'mqtt';
import { configError } from '../../errors.js';
import { encodeBatch, type Reading } from '../../telemetry/index.js';
import { topicFor, type TopicTemplate } from './topics.js';

export interface TelemetryPublisherOptions {
  url: string;
  tenant: string;
  readingTopic: TopicTemplate;
  batchTopic: TopicTemplate;
  /** One message per reading on the reading topic instead of gateway batches. */
  single: boolean;
  qos: 0 | 1;
  /** Readings per gateway batch (default 1,000). */
  batchSize?: number;
  client?: Pick<IClientOptions, 'username' | 'password' | 'ca' | 'cert' | 'key' | 'rejectUnauthorized' | 'clientId'>;
}

export class TelemetryPublisher {
  messages = 0;
  readings = 0;
  private readonly inFlight = new Set<Promise<unknown>>();

  private constructor(
    private readonly client: MqttClient,
    private readonly o: TelemetryPublisherOptions,
  ) {}

  static async connect(o: TelemetryPublisherOptions): Promise<TelemetryPublisher> {
    try {
      const client = await mqtt.connectAsync(o.url, { ...o.client, reconnectPeriod: 1000, connectTimeout: 10_000 });
      return new TelemetryPublisher(client, o);
    } catch (err) {
      throw configError(`cannot connect to the MQTT broker at ${o.url}: ${(err as Error).message}`);
    }
  }

  private async publish(topic: string, payload: string | Buffer): Promise<void> {
    this.messages++;
    // QoS 1: a bounded number of messages waits for the broker's acknowledgement at a time.
    const p = this.client.publishAsync(topic, payload, { qos: this.o.qos });
    this.inFlight.add(p);
    void p.finally(() => this.inFlight.delete(p));
    if (this.inFlight.size >= 256) await Promise.race(this.inFlight);
  }

  async send(readings: readonly Reading[]): Promise<void> {
    this.readings += readings.length;
    if (this.o.single) {
      for (const r of readings) {
        const topic = topicFor(this.o.readingTopic, { tenant: this.o.tenant, sensor: r.sensor, metric: r.metric });
        await this.publish(
          topic,
          JSON.stringify(r.quality ? { value: r.value, ts: r.ts, quality: r.quality } : { value: r.value, ts: r.ts }),
        );
      }
      return;
    }
    const size = this.o.batchSize ?? 1000;
    const topic = topicFor(this.o.batchTopic, { tenant: this.o.tenant });
    for (let i = 0; i < readings.length; i += size)
      await this.publish(topic, Buffer.from(encodeBatch(readings.slice(i, i + size))));
  }

  async close(): Promise<void> {
    await Promise.all(this.inFlight);
    await this.client.endAsync();
  }
}
