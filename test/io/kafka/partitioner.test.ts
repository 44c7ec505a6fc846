// Co-partitioning: sensors sharing a grouping key share a unit, units map to partitions with Kafka's murmur2,
// the same partition librdkafka's default partitioner picks for the unit id as message key.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { coPartitioning, murmur2, partitionForKey } from '../../../src/io/kafka/partitioner.js';
import * as rd from '../../../src/io/kafka/rdkafka.js';
import { PRODUCER_TOPIC_CONFIG } from '../../../src/io/kafka/client-config.js';
import type { OperatorSpec } from '../../../src/stream/index.js';
import { buildCatalog } from '../../../src/telemetry/catalog.js';
import { startMockCluster, touchTopics, type Cluster } from './kafka-helpers.js';

let cluster: Cluster;
beforeAll(async () => {
  cluster = await startMockCluster(1);
});
afterAll(async () => {
  await cluster?.close();
});

const catalog = buildCatalog([
  { id: 'd1', kind: 'detector', owners: { approach: 'I1-N', laneGroup: 'I1-N-T' } },
  { id: 'd2', kind: 'detector', owners: { approach: 'I1-N', laneGroup: 'I1-N-L' } },
  { id: 'd3', kind: 'detector', owners: { approach: 'I1-S', laneGroup: 'I1-S-T' } },
  { id: 'd4', kind: 'detector', owners: { approach: 'I1-S', laneGroup: 'I1-S-T' } },
  { id: 'm1', kind: 'feeder-meter', owners: { feeder: 'F1' } },
  { id: 'r1', kind: 'dr-resource', owners: { feeder: 'F1', resource: 'R1' } },
  { id: 'w1', kind: 'weather', owners: { station: 'S1' } },
]);
const op = (name: string, metric: string, keyBy: string): OperatorSpec => ({
  name,
  metric,
  keyBy,
  window: { type: 'tumbling', sizeMs: 60_000 },
  aggregates: ['sum'],
  allowedLatenessMs: 0,
});

describe('co-partitioning', () => {
  it('joins the sensors of every key an operator aggregates, across operators, and only sensors of the metric', () => {
    const lanes = coPartitioning(catalog, [op('flow', 'detector.count', 'laneGroup'), op('kw', 'feeder.kw', 'feeder')]);
    expect(lanes.unitOf).toEqual([
      'laneGroup:I1-N-T',
      'laneGroup:I1-N-L',
      'laneGroup:I1-S-T',
      'laneGroup:I1-S-T',
      'feeder:F1',
      'sensor:r1',
      'sensor:w1',
    ]);
    // A second operator by approach merges the lane groups of each approach into one unit.
    const both = coPartitioning(catalog, [
      op('flow', 'detector.count', 'laneGroup'),
      op('speed', 'detector.speed', 'approach'),
    ]);
    expect(both.unitOf.slice(0, 4)).toEqual(['approach:I1-N', 'approach:I1-N', 'approach:I1-S', 'approach:I1-S']);
    // The unit names do not depend on the order operators are declared in.
    expect(
      coPartitioning(catalog, [op('speed', 'detector.speed', 'approach'), op('flow', 'detector.count', 'laneGroup')])
        .unitOf,
    ).toEqual(both.unitOf);
  });

  it('refuses a reading on a partition its unit does not map to, explaining which one it belongs to', () => {
    const co = coPartitioning(catalog, [op('flow', 'detector.count', 'laneGroup')]);
    const of = co.partitionOfSensor(6);
    const wrong = (of[2] + 1) % 6;
    const own = co.ownership(wrong, 6);
    expect(own.accept[2]).toBe(0);
    expect(own.accept[3]).toBe(0);
    expect(co.ownership(of[2], 6).accept[3]).toBe(1);
    expect(own.explain(2)).toContain(`unit 'laneGroup:I1-S-T', which goes to partition ${of[2]} of 6`);
  });

  it("is Kafka's murmur2 (the Java client's test vectors)", () => {
    const e = new TextEncoder();
    const vectors: [string, number][] = [
      ['21', -973932308],
      ['foobar', -790332482],
      ['a-little-bit-long-string', -985981536],
      ['a-little-bit-longer-string', -1486304829],
      ['lkjh234lh9fiuh90y23oiuhsafujhadof229phr9h19h89h8', -58897971],
      ['abc', 479470107],
    ];
    for (const [k, v] of vectors) expect(murmur2(e.encode(k)), k).toBe(v);
  });

  it("computes the partition librdkafka's murmur2 partitioner gives the unit id as key", async () => {
    await touchTopics(cluster.brokers, ['keys']);
    const p = new rd.RdProducer(
      { 'bootstrap.servers': cluster.brokers, dr_cb: true } as never,
      PRODUCER_TOPIC_CONFIG as never,
    );
    const partitions = (await rd.metadata(await rd.connect(p, 10_000).then(() => p), 10_000)).topics.find(
      (t) => t.name === 'keys',
    )!.partitions.length;
    p.setPollInterval(10);
    const keys = [
      'approach:I1-N',
      'feeder:F1',
      'sensor:d1',
      'a',
      'ab',
      'abc',
      'abcd',
      'abcde',
      'x'.repeat(37),
      'ü-nicode-Ω',
    ];
    const got = new Map<string, number>();
    const done = new Promise<void>((resolve) =>
      p.on('delivery-report', (err, r) => {
        got.set(r.key!.toString(), r.partition);
        if (got.size === keys.length) resolve();
      }),
    );
    for (const k of keys) p.produce('keys', null, Buffer.from('v'), k);
    await done;
    await rd.disconnect(p);
    expect(partitions).toBeGreaterThan(1);
    for (const k of keys) expect(partitionForKey(k, partitions), k).toBe(got.get(k));
  });
});
