// The embedded MQTT broker (Aedes) of `urbanflow run --mqtt-listen PORT`: devices log in with an API key as the
// password; a device key may only publish telemetry under its own tenant's topics and may not subscribe. What is
// published goes straight into the ingest, and a QoS 1 PUBACK is sent only once the readings are durable.
import { createServer, type Server } from 'node:net';
import { Aedes, type AuthenticateError, type Client } from 'aedes';
import type { KeyStore, Principal } from '../../api/access/index.js';
import type { MqttIngest } from './ingest.js';
import { matchTopic, type TopicTemplate } from './topics.js';

export interface EmbeddedBrokerOptions {
  port: number;
  host: string;
  keys: KeyStore;
  ingest: MqttIngest;
  topics: readonly TopicTemplate[];
  log: (line: string) => void;
}

export interface EmbeddedBroker {
  port: number;
  /** Publishes and subscriptions refused (another tenant's topic, a device subscribing). */
  readonly refused: { publishes: number; subscriptions: number };
  close(): Promise<void>;
}

/** Roles that may connect: devices publish their tenant's telemetry; operators publish any tenant's. */
const MQTT_ROLES = new Set(['device', 'operator']);

function authError(message: string, returnCode: 4 | 5): AuthenticateError {
  return Object.assign(new Error(message), { returnCode }) as AuthenticateError;
}

/** Why `principal` may not publish on `topic`, or undefined when it may. */
export function publishRefusal(
  principal: Principal,
  topics: readonly TopicTemplate[],
  topic: string,
): string | undefined {
  if (principal.role === 'operator') return undefined;
  for (const t of topics) {
    const f = matchTopic(t, topic);
    if (!f) continue;
    if (f.tenant === undefined)
      return `topic '${topic}' names no tenant, so a device key cannot publish on it (template ${t.text})`;
    if (f.tenant !== principal.tenant)
      return `a device key of tenant '${principal.tenant}' may not publish on '${topic}' (tenant '${f.tenant}')`;
    return undefined;
  }
  return `topic '${topic}' matches none of ${topics.map((t) => t.text).join(', ')}`;
}

export async function startEmbeddedBroker(o: EmbeddedBrokerOptions): Promise<EmbeddedBroker> {
  const principals = new WeakMap<Client, Principal>();
  const refused = { publishes: 0, subscriptions: 0 };
  const broker = await Aedes.createBroker({
    authenticate: (client, _username, password, done) => {
      const check = password === undefined ? undefined : o.keys.verify(password.toString('utf8'), Date.now());
      if (!check) return done(authError('the password must be an urbanflow API key', 4), false);
      if (!check.ok) return done(authError(check.reason, 4), false);
      if (!MQTT_ROLES.has(check.principal.role))
        return done(
          authError(`role '${check.principal.role}' may not connect over MQTT (device or operator keys only)`, 5),
          false,
        );
      principals.set(client, check.principal);
      done(null, true);
    },
    authorizePublish: (client, packet, callback) => {
      // The broker's own publishes (none are made) carry no client.
      if (!client) return callback(null);
      const principal = principals.get(client);
      const refusal = principal ? publishRefusal(principal, o.topics, packet.topic) : 'not authenticated';
      if (refusal) {
        refused.publishes++;
        o.log(`mqtt broker: refused a publish by ${client.id}: ${refusal}`);
        return callback(new Error(refusal));
      }
      const payload = typeof packet.payload === 'string' ? Buffer.from(packet.payload) : packet.payload;
      const durable = o.ingest.isClosed
        ? new Promise<void>(() => undefined)
        : o.ingest.accept(packet.topic, payload, packet.qos);
      const wait = durable ?? o.ingest.backpressure();
      if (wait)
        wait.then(
          () => callback(null),
          (err: Error) => callback(err),
        );
      else callback(null);
    },
    authorizeSubscribe: (client, subscription, callback) => {
      const principal = principals.get(client);
      if (principal?.role === 'operator') return callback(null, subscription);
      refused.subscriptions++;
      callback(null, null);
    },
  });
  const server: Server = createServer(broker.handle);
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(o.port, o.host, () => {
      server.off('error', reject);
      resolve();
    });
  });
  const address = server.address();
  const port = typeof address === 'object' && address ? address.port : o.port;
  o.log(`mqtt broker: listening on ${o.host}:${port} (password: an API key of role device or operator)`);
  return {
    port,
    refused,
    async close() {
      await new Promise<void>((resolve) => broker.close(() => resolve()));
      await new Promise<void>((resolve) => server.close(() => resolve()));
    },
  };
}
