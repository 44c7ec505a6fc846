// Shared user state converges: every store's merge of replicated records gives the same state whatever the order they arrive in.
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { KeyStore, type ReplicatedKey } from '../../../src/api/access/index.js';
import { PlanStore, type PlanRecord } from '../../../src/api/plans/index.js';
import { VersionLog } from '../../../src/app/plans/index.js';
import type { Replica } from '../../../src/app/replica.js';

const dir = () => mkdtempSync(join(tmpdir(), 'uf-shared-merge-'));

/** Every order of a few records. */
function permutations<T>(items: T[]): T[][] {
  if (items.length <= 1) return [items];
  return items.flatMap((x, i) =>
    permutations([...items.slice(0, i), ...items.slice(i + 1)]).map((rest) => [x, ...rest]),
  );
}

describe('shared keys', () => {
  const created: ReplicatedKey = {
    id: '0123456789abcdef',
    hash: Buffer.alloc(32, 7).toString('base64'),
    tenant: 't',
    role: 'utility',
    depots: [],
    areas: [],
    label: '',
    createdAt: 1,
    expiresAt: null,
    revokedAt: null,
  };
  const revokedAt = (ms: number): ReplicatedKey => ({ ...created, revokedAt: ms });

  it('a revocation is never undone, and the earliest of two stands, in any order', () => {
    for (const order of permutations([created, revokedAt(50), revokedAt(30)])) {
      const keys = KeyStore.open(join(dir(), 'keys.db'));
      for (const k of order) keys.applyReplicated(k);
      expect(keys.get(created.id)?.revokedAt).toBe(30);
      keys.close();
    }
  });

  it('changes made here are published, and replicated ones are not sent back', () => {
    const keys = KeyStore.open(join(dir(), 'keys.db'));
    const sent: ReplicatedKey[] = [];
    keys.replicateTo({ key: (k) => sent.push(k), tokenSecret: () => undefined });
    const { record } = keys.create({ tenant: 't', role: 'utility' }, 1000);
    keys.revoke(record.id, 2000);
    keys.applyReplicated({ ...created, id: 'fedcba9876543210' });
    expect(sent.map((k) => [k.id, k.revokedAt])).toEqual([
      [record.id, null],
      [record.id, 2000],
    ]);
    expect(keys.get('fedcba9876543210')).toBeDefined();
    keys.close();
  });

  it('a replicated token secret replaces the local one, so tokens verify on every process', () => {
    const keys = KeyStore.open(join(dir(), 'keys.db'));
    const secret = Buffer.alloc(32, 9);
    keys.applyTokenSecret(secret);
    expect(keys.tokenSecret().equals(secret)).toBe(true);
    keys.close();
  });
});

describe('shared plans', () => {
  function record(over: Partial<PlanRecord>): PlanRecord {
    return {
      id: 'sig_1',
      kind: 'signals',
      tenant: 't',
      keyId: 'k',
      scope: '',
      status: 'queued',
      createdAt: 1,
      finishedAt: null,
      requestJson: '{}',
      inputsJson: null,
      resultJson: null,
      error: null,
      ...over,
    };
  }

  it('a finished plan is never queued again, and of two outcomes the earlier stands, in any order', () => {
    const queued = record({});
    const first = record({ status: 'done', finishedAt: 10, resultJson: '{"a":1}' });
    const second = record({ status: 'done', finishedAt: 20, resultJson: '{"a":2}' });
    for (const order of permutations([queued, first, second])) {
      const plans = PlanStore.open(join(dir(), 'plans.db'));
      for (const r of order) plans.applyReplicated(r);
      expect(plans.get('sig_1')).toMatchObject({ status: 'done', finishedAt: 10, resultJson: '{"a":1}' });
      plans.close();
    }
  });

  it('a plan solved here after another process finished it keeps the earlier outcome', () => {
    const plans = PlanStore.open(join(dir(), 'plans.db'));
    const sent: PlanRecord[] = [];
    plans.replicateTo((r) => sent.push(r));
    const mine = plans.create({ kind: 'signals', tenant: 't', keyId: 'k', scope: '', request: {} }, 1);
    plans.applyReplicated({ ...mine, status: 'done', finishedAt: 5, resultJson: '{"by":"other"}' });
    plans.finish(mine.id, { result: { by: 'me' } }, 9);
    expect(plans.get(mine.id)?.resultJson).toBe('{"by":"other"}');
    expect(sent.map((r) => r.status)).toEqual(['queued', 'done']);
    plans.close();
  });
});

describe('shared live plan versions', () => {
  /** A replica that keeps what is published and hands it to every subscriber. */
  function bus() {
    const subscribers: ((key: string, doc: string | null) => void)[] = [];
    const published: [string, string | null][] = [];
    const replica: Replica = {
      publish: (key, doc) => void published.push([key, doc]),
      subscribe: (apply) => void subscribers.push(apply),
    };
    return {
      replica,
      published,
      deliver: (key: string, doc: string | null) => subscribers.forEach((s) => s(key, doc)),
    };
  }
  const meta = { computedAtMs: 1, effectiveFromMs: 1, effectiveUntilMs: 2 };

  it('the highest version stands, ties broken by ETag, in any order', () => {
    const source = bus();
    const leader = new VersionLog<{ x: number }>(undefined, { replica: source.replica });
    leader.publish('i1', { x: 1 }, meta);
    leader.publish('i1', { x: 2 }, meta);
    const rival = bus();
    new VersionLog<{ x: number }>(undefined, { replica: rival.replica }).publish('i1', { x: 3 }, meta);
    const docs = [...source.published, ...rival.published];
    const finals = permutations(docs).map((order) => {
      const follower = bus();
      const log = new VersionLog<{ x: number }>(undefined, { replica: follower.replica });
      for (const [key, doc] of order) follower.deliver(key, doc);
      const e = log.get('i1')!;
      return `${e.version} ${e.etag}`;
    });
    expect(new Set(finals).size).toBe(1);
    expect(finals[0].startsWith('2 ')).toBe(true);
  });

  it('a follower continues the version numbers it read when it publishes', () => {
    const b = bus();
    const log = new VersionLog<{ x: number }>(undefined, { replica: b.replica });
    const other = bus();
    const leader = new VersionLog<{ x: number }>(undefined, { replica: other.replica });
    leader.publish('i1', { x: 1 }, meta);
    leader.publish('i1', { x: 2 }, meta);
    for (const [k, d] of other.published) b.deliver(k, d);
    expect(log.publish('i1', { x: 5 }, meta).entry.version).toBe(3);
  });
});
