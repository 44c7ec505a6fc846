// A test API over a small generated city: temp state directory, keys for every role, fixtures for plan requests;
// optionally with the live services, fed by the simulator for some simulated days before the keys are made.
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { generateCity, type City } from '../../src/city/index.js';
import { createPipeline } from '../../src/app/pipeline.js';
import { DEFAULT_OPERATORS } from '../../src/app/operators.js';
import {
  buildServer,
  liveRoutes,
  type ApiServer,
  type LiveRouteOptions,
  type ServerOptions,
} from '../../src/api/index.js';
import { startLiveServices, type LiveOptions, type LiveServices } from '../../src/app/live.js';
import { createSimulator } from '../../src/sim/index.js';
import { issueToken } from '../../src/api/access/index.js';
import { collectionRequestForDepot } from '../../solvers/routing/index.js';
import { rng } from '../helpers/rng.js';

export const T0 = Date.UTC(2026, 5, 3, 5);

export function testCity(): City {
  return generateCity({
    seed: 3,
    intersections: 4,
    feeders: 2,
    resourcesPerFeeder: 2,
    bins: 30,
    depots: 2,
    trucksPerDepot: 1,
    weatherStations: 1,
  });
}

/** The test city with one more intersection, which gives it two corridors (for the live signal plans). */
export function liveTestCity(): City {
  return generateCity({
    seed: 3,
    intersections: 5,
    feeders: 2,
    resourcesPerFeeder: 2,
    bins: 30,
    depots: 2,
    trucksPerDepot: 1,
    weatherStations: 1,
  });
}

export function testPipeline(city: City, clock: () => number): ReturnType<typeof createPipeline> {
  return createPipeline({
    city,
    operators: DEFAULT_OPERATORS,
    watermark: { outOfOrdernessMs: 30_000, idleTimeoutMs: 300_000 },
    workers: 0,
    clock,
  });
}

export type Credential =
  | 'none'
  | 'bad'
  | 'revoked'
  | 'expired-key'
  | 'expired-token'
  | 'utility'
  | 'traffic'
  | 'operator'
  | 'cleanway'
  | 'metro'
  | 'cleanway-token';

export interface Harness {
  app: ApiServer;
  city: City;
  pipeline: ReturnType<typeof createPipeline>;
  /** With `live`: the live services behind the live routes. */
  live?: LiveServices;
  /** With `live`: simulates on to `untilMs` (10-minute steps, forecasts refitted as due), then refreshes the signal plans. */
  simulate: (untilMs: number) => Promise<void>;
  stateDir: string;
  clock: { now: number };
  secrets: Record<Credential, string | undefined>;
  auth: (who: Credential) => Record<string, string>;
  close: (opts?: { keepState?: boolean }) => Promise<void>;
}

export interface LiveHarnessOptions {
  /** Simulated days of telemetry before T0 (0: every forecast in cold start). */
  days: number;
  serviceRate?: number;
  warmUp?: LiveRouteOptions['warmUp'];
  options?: Partial<Omit<LiveOptions, 'pipeline' | 'clock' | 'stateDir'>>;
}

const SIM_STEP = 10 * 60_000;

export async function startHarness(
  extra: Partial<ServerOptions> & { stateDir?: string; city?: City; live?: LiveHarnessOptions } = {},
): Promise<Harness> {
  const stateDir = extra.stateDir ?? mkdtempSync(join(tmpdir(), 'uf-api-'));
  const city = extra.city ?? (extra.live ? liveTestCity() : testCity());
  const clock = { now: extra.live ? T0 - extra.live.days * 86_400_000 : T0 };
  const pipeline = testPipeline(city, () => clock.now);
  let live: LiveServices | undefined;
  let simulate: Harness['simulate'] = async () => {
    throw new Error('the harness runs without live services');
  };
  if (extra.live) {
    const sim = createSimulator(city, {
      seed: 3,
      startMs: clock.now,
      sensorKinds: ['feeder-meter', 'detector', 'bin'],
    });
    // The live timer stays out of the way: the harness refits and refreshes as simulated time passes.
    const services = startLiveServices({
      pipeline,
      clock: () => clock.now,
      stateDir,
      tickEveryMs: 3_600_000,
      collection: { timeLimitMs: 1_000, maxIterations: 200 },
      ...extra.live.options,
    });
    live = services;
    simulate = async (untilMs) => {
      while (clock.now < untilMs) {
        const to = Math.min(untilMs, clock.now + SIM_STEP);
        const readings = sim.step(clock.now, to);
        clock.now = to;
        await pipeline.engine.ingestReadings(readings, 'simulator');
        await pipeline.engine.tick();
        services.forecasts.tick(clock.now);
        await services.forecasts.idle();
      }
      await services.signalPlans.refresh(clock.now);
    };
    await simulate(T0);
  }
  const plugins = [
    ...(live ? [liveRoutes(live, { serviceRate: extra.live?.serviceRate, warmUp: extra.live?.warmUp })] : []),
    ...(extra.plugins ?? []),
  ];
  // The NGSI-LD entities carry the live forecasts, as `urbanflow run` wires them.
  const ngsiLd = live
    ? { forecasts: { service: live.forecasts, now: () => clock.now }, ...extra.ngsiLd }
    : extra.ngsiLd;
  const app = await buildServer({
    pipeline,
    source: 'test',
    stateDir,
    now: () => clock.now,
    ...extra,
    plugins,
    ngsiLd,
  });
  const keys = app.urbanflow.keys;
  const mk = (tenant: string, role: Parameters<typeof keys.create>[0]['role'], more: object = {}) =>
    keys.create({ tenant, role, ...more }, clock.now);
  const revoked = mk('grid-a', 'utility');
  keys.revoke(revoked.record.id, clock.now);
  const expiring = mk('grid-a', 'utility', { expiresAt: clock.now + 1000 });
  const cleanway = mk('cleanway', 'waste-contractor');
  const shortToken = issueToken(keys.tokenSecret(), cleanway.record, clock.now - 7200_000, 60).token;
  const secrets: Record<Credential, string | undefined> = {
    none: undefined,
    bad: 'ufk_0123456789abcdef_AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA',
    revoked: revoked.secret,
    'expired-key': expiring.secret,
    'expired-token': shortToken,
    utility: mk('grid-a', 'utility').secret,
    traffic: mk('tmc', 'traffic-center').secret,
    operator: mk('city-ops', 'operator').secret,
    cleanway: cleanway.secret,
    metro: mk('metro-waste', 'waste-contractor').secret,
    'cleanway-token': issueToken(keys.tokenSecret(), cleanway.record, clock.now, 3600 * 24 * 30).token,
  };
  // The expiring key is past its expiry from here on.
  clock.now += 2000;
  return {
    app,
    city,
    pipeline,
    live,
    simulate,
    stateDir,
    clock,
    secrets,
    auth: (who): Record<string, string> =>
      secrets[who] === undefined ? {} : { authorization: `Bearer ${secrets[who]}` },
    close: async (opts = {}) => {
      await app.close();
      await live?.close();
      await pipeline.engine.close();
      if (!opts.keepState) rmSync(stateDir, { recursive: true, force: true });
    },
  };
}

export function dispatchRequest(): Record<string, unknown> {
  return JSON.parse(
    readFileSync(new URL('../fixtures/dispatch/example-request.json', import.meta.url), 'utf8'),
  ) as Record<string, unknown>;
}

export function signalsRequest(): Record<string, unknown> {
  return JSON.parse(readFileSync(new URL('../fixtures/signals/main-street.json', import.meta.url), 'utf8')) as Record<
    string,
    unknown
  >;
}

/** A depot's collection day from the city with seeded fill levels, as the routing API takes it. */
export function routeRequest(city: City, depot: string, seed = 1): Record<string, unknown> {
  const r = rng(seed);
  const levels = new Map(
    city.waste.bins
      .filter((b) => b.depot === depot)
      .map((b) => {
        const fill = 0.2 + 0.7 * r();
        return [b.id, { fill, forecastFill: fill + 0.4 * r() }] as const;
      }),
  );
  const req = collectionRequestForDepot(city.waste, depot, levels, '06:00');
  return { ...JSON.parse(JSON.stringify(req)), date: '2026-06-04', timeLimitSeconds: 0.5, seed: 7 };
}
