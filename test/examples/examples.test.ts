// The runnable requests of examples/, one per user, posted to a live server over loopback HTTP exactly as README's
// curl lines post them: each answers 2xx with the documented shape, and each plan passes its independent checker.
import { spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { AddressInfo } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { resolveCityResources } from '../../src/app/plans/dispatch-resources.js';
import { loadSampleCity } from '../../src/city/index.js';
import { checkDispatchInput } from '../../solvers/dispatch/index.js';
import { checkCollectionPlan as checkRoute, type CollectionRequest } from '../../solvers/routing/index.js';
import {
  checkCorridor,
  checkPlan as checkSignals,
  type CorridorInput,
  type IntersectionInput,
} from '../../solvers/signals/index.js';
import { startHarness, type Harness } from '../api/harness.js';
import { checkDispatchPlan as checkDispatch } from '../../solvers/dispatch/index.js';

const root = new URL('../../', import.meta.url);
const city = loadSampleCity();
let h: Harness;
let base: string;

beforeAll(async () => {
  h = await startHarness({ city });
  await h.app.listen({ host: '127.0.0.1', port: 0 });
  base = `http://127.0.0.1:${(h.app.server.address() as AddressInfo).port}`;
});

afterAll(async () => {
  await h?.close();
});

function example(name: string): Record<string, any> {
  return JSON.parse(readFileSync(new URL(`examples/${name}`, root), 'utf8')) as Record<string, any>;
}

/** README's line for an example: the one users copy, kept exact so it runs from the repository root. */
function curlLine(name: string, path: string): string {
  return `curl -H "Authorization: Bearer $KEY" -H 'Content-Type: application/json' -d @examples/${name} 'localhost:8080${path}?wait=60'`;
}

/** Posts as the curl line does; a plan still solving after the wait (202) is polled at its Location. */
async function post(name: string, path: string): Promise<Record<string, any>> {
  const auth = { authorization: `Bearer ${h.secrets.operator}` };
  const res = await fetch(`${base}${path}?wait=60`, {
    method: 'POST',
    headers: { ...auth, 'content-type': 'application/json' },
    body: readFileSync(new URL(`examples/${name}`, root)),
  });
  const text = await res.text();
  expect([201, 202], text).toContain(res.status);
  expect(res.headers.get('location')).toMatch(new RegExp(`^${path}/[a-z]{3}_[0-9a-f]{24}$`));
  let doc = JSON.parse(text) as Record<string, any>;
  while (doc.status === 'queued') {
    await new Promise((r) => setTimeout(r, 200));
    doc = (await (await fetch(`${base}${res.headers.get('location')}`, { headers: auth })).json()) as Record<
      string,
      any
    >;
  }
  expect(doc.status, JSON.stringify(doc.error)).toBe('done');
  const got = await fetch(`${base}${res.headers.get('location')}`, { headers: auth });
  expect(got.status).toBe(200);
  return doc;
}

describe('examples/', () => {
  const readme = readFileSync(new URL('README.md', root), 'utf8');

  it.each([
    ['dispatch-targets.json', '/v1/dispatch/plans'],
    ['dispatch-feeder-caps.json', '/v1/dispatch/plans'],
    ['signal-plan-corridor.json', '/v1/signals/plans'],
    ['collection-request.json', '/v1/routes/plans'],
  ])('README runs %s with one curl line', (name, path) => {
    expect(readme).toContain(curlLine(name, path));
  });

  it("a utility's dispatch request with targets", async () => {
    const req = example('dispatch-targets.json');
    const doc = await post('dispatch-targets.json', '/v1/dispatch/plans');
    expect(doc.kind).toBe('dispatch');
    expect(doc.plan.resources.map((r: { id: string }) => r.id)).toEqual(req.resources.map((r: { id: string }) => r.id));
    expect(doc.plan.deliveredKW).toHaveLength(req.event.count);
    expect(doc.plan.events.length).toBeGreaterThan(0);
    expect(checkDispatch(req, doc.plan)).toEqual([]);
    const events = await fetch(`${base}/v1/dispatch/plans/${doc.id}/events`, {
      headers: { authorization: `Bearer ${h.secrets.operator}` },
    });
    expect(events.status).toBe(200);
  });

  it("a utility's dispatch request with a feeder cap and the city's DR resources", async () => {
    const req = example('dispatch-feeder-caps.json');
    const doc = await post('dispatch-feeder-caps.json', '/v1/dispatch/plans');
    const feeder = city.feeders.find((f) => f.id === 'fdr-001')!;
    expect(doc.inputs.cityResources.taken.map((t: { id: string }) => t.id)).toContain('fdr-001-r04');
    expect(doc.plan.feeders.map((f: { id: string }) => f.id)).toEqual(['fdr-001']);
    expect(doc.plan.resources.every((r: { feeder: string }) => r.feeder === 'fdr-001')).toBe(true);
    expect(doc.plan.resources.length).toBe(doc.inputs.cityResources.taken.length);
    expect(doc.plan.resources.length + doc.inputs.cityResources.leftOut.length).toBe(feeder.resources.length);
    const resolved = resolveCityResources(checkDispatchInput(req), city).request;
    expect(checkDispatch(resolved, doc.plan)).toEqual([]);
  });

  it("a traffic center's signal plans with a corridor", async () => {
    const req = example('signal-plan-corridor.json') as {
      intersections: IntersectionInput[];
      corridors: (Omit<CorridorInput, 'signals'> & {
        signals: { intersection: string; outboundLaneGroup: string; inboundLaneGroup: string }[];
      })[];
    };
    const doc = await post('signal-plan-corridor.json', '/v1/signals/plans');
    expect(doc.plan.plans).toHaveLength(req.intersections.length);
    expect(doc.plan.corridors).toHaveLength(req.corridors.length);
    doc.plan.plans.forEach((p: never, i: number) => expect(checkSignals(req.intersections[i], p)).toEqual([]));
    const byId = new Map(req.intersections.map((i) => [i.id, i]));
    doc.plan.corridors.forEach((c: never, i: number) => {
      const input = {
        ...req.corridors[i],
        signals: req.corridors[i].signals.map((s) => ({ ...s, intersection: byId.get(s.intersection)! })),
      };
      expect(checkCorridor(input, c)).toEqual([]);
    });
  });

  it("a waste contractor's collection request", async () => {
    const req = example('collection-request.json');
    const doc = await post('collection-request.json', '/v1/routes/plans');
    expect(doc.scope).toBe(req.depot.id);
    expect(doc.plan.trucks.length).toBeGreaterThan(0);
    const { date: _d, timeLimitSeconds: _t, seed: _s, ...collection } = req;
    expect(checkRoute(collection as unknown as CollectionRequest, doc.plan)).toEqual([]);
  });
});

describe('examples/ through the CLI', () => {
  const cli = new URL('bin/urbanflow.js', root).pathname;
  const run = (...args: string[]) =>
    spawnSync(process.execPath, [cli, ...args], { cwd: root.pathname, encoding: 'utf8' });

  it('urbanflow dispatch solves the feeder-cap example against the sample city and the checker accepts the plan', () => {
    const out = run('dispatch', 'examples/dispatch-feeder-caps.json', '--json');
    expect(out.status, out.stderr).toBe(0);
    const plan = JSON.parse(out.stdout);
    const resolved = resolveCityResources(checkDispatchInput(example('dispatch-feeder-caps.json')), city).request;
    expect(plan.resources.map((r: { id: string }) => r.id)).toEqual(resolved.resources.map((r) => r.id));
    expect(checkDispatch(resolved, plan)).toEqual([]);
  });

  it('urbanflow dispatch names a misspelled field and the closest known one', () => {
    const dir = mkdtempSync(join(tmpdir(), 'uf-example-'));
    const file = join(dir, 'misspelled.json');
    writeFileSync(file, JSON.stringify({ ...example('dispatch-targets.json'), shortfallPenaltyPerKwh: 10 }));
    const bad = run('dispatch', file);
    rmSync(dir, { recursive: true, force: true });
    expect(bad.status).not.toBe(0);
    expect(bad.stderr).toContain('shortfallPenaltyPerKwh: is not a known field; did you mean shortfallPenaltyPerKWh?');
  });
});
