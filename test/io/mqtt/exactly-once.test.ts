// 1,000,000 readings at QoS 1 through a real broker into `urbanflow run --mqtt`, killed with SIGKILL in the middle and
// restarted: every reading is aggregated exactly once in the window results (sums and counts per window equal what
// was published). Run against Mosquitto and against the embedded broker (Aedes, `--mqtt-listen`).
import { mkdirSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import mqtt from 'mqtt';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { KeyStore } from '../../../src/api/access/key-store.js';
import {
  connected,
  countedReadings,
  killAndRestart,
  type KillRestartOutcome,
} from '../../../bench/harness/mqtt-kill-restart.js';
import { freePort, startMosquitto, type Mosquitto } from '../../../bench/mosquitto.js';

const MESSAGES = 1000;
const PER_MESSAGE = 1000;

/** Every window of the workload holds exactly the published count and sum, and the restart restored the state. */
function expectExactlyOnce(outcome: KillRestartOutcome): void {
  expect(outcome.restartedLog).toMatch(/restored the window state/);
  let sum = 0;
  let expectedSum = 0;
  const wrong: string[] = [];
  for (const [k, e] of outcome.expected) {
    const g = outcome.got.get(k);
    sum += g?.sum ?? 0;
    expectedSum += e.sum;
    if (g?.count !== e.count || g?.sum !== e.sum)
      wrong.push(`${k}: got ${JSON.stringify(g)}, expected ${JSON.stringify(e)}`);
  }
  expect(wrong.slice(0, 5)).toEqual([]);
  expect(countedReadings(outcome)).toBe(MESSAGES * PER_MESSAGE);
  expect(sum).toBe(expectedSum);
}

describe('exactly once across SIGKILL', () => {
  let dir: string;
  beforeAll(() => {
    dir = mkdtempSync(join(tmpdir(), 'uf-mqtt-kill-'));
  });
  afterAll(() => rmSync(dir, { recursive: true, force: true }));

  describe('through Mosquitto', () => {
    let broker: Mosquitto;
    beforeAll(async () => {
      broker = await startMosquitto();
    }, 30_000);
    afterAll(async () => broker?.stop());

    it('aggregates 1,000,000 QoS 1 readings exactly once when urbanflow is killed and restarted mid-stream', async () => {
      const outcome = await killAndRestart({
        dir: mkdtempSync(join(dir, 'mosquitto-')),
        mqttArgs: ['--mqtt', broker.url, '--mqtt-client-id', 'urbanflow-test'],
        connectPublisher: async () => {
          const pub = mqtt.connect(broker.url, { clientId: 'gateway-1' });
          await connected(pub);
          return pub;
        },
        topic: 'urbanflow/city/batch',
        messages: MESSAGES,
        perMessage: PER_MESSAGE,
      });
      expectExactlyOnce(outcome);
    }, 600_000);
  });

  it("through the embedded broker: a device key's 1,000,000 QoS 1 readings exactly once across SIGKILL and restart", async () => {
    const d = mkdtempSync(join(dir, 'embedded-'));
    mkdirSync(join(d, 'state'));
    const keys = KeyStore.open(join(d, 'state', 'keys.db'));
    const deviceKey = keys.create({ tenant: 'north', role: 'device', label: 'gateway' }, Date.now()).secret;
    keys.close();
    const port = await freePort();
    const outcome = await killAndRestart({
      dir: d,
      mqttArgs: ['--mqtt-listen', String(port)],
      connectPublisher: async () => {
        const pub = mqtt.connect(`mqtt://127.0.0.1:${port}`, {
          clientId: 'gateway-north',
          username: 'gateway-north',
          password: deviceKey,
          reconnectPeriod: 500,
        });
        await connected(pub);
        return pub;
      },
      topic: 'urbanflow/north/batch',
      messages: MESSAGES,
      perMessage: PER_MESSAGE,
      embedded: true,
    });
    expectExactlyOnce(outcome);
  }, 600_000);
});
