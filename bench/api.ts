// Benchmark `api`: GET of a stored and of a live signal plan, and batched MessagePack ingest, loaded by autocannon against a server process.
import { spawn } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { loadavg, tmpdir } from 'node:os';
import { join } from 'node:path';
import autocannon from 'autocannon';
import { KeyStore } from '../src/api/access/index.js';
import { DEFAULT_LIMITS } from '../src/api/index.js';
import { encodeBatch, type Reading } from '../src/telemetry/index.js';
import { randomIntersection } from '../solvers/signals/generate.js';
import type { Bench } from './index.js';
import { runHttpArgs, UrbanflowProcess } from './harness/urbanflow-process.js';
import { seedLiveSignalPlans } from './live-state.js';

function flag(args: string[], name: string, fallback: number): number {
  const i = args.indexOf(`--${name}`);
  return i >= 0 ? Number(args[i + 1]) : fallback;
}

/** `urbanflow run --source http` on a state directory the benchmark prepared, no rate limits for the load generator. */
async function startServer(dir: string): Promise<{ server: UrbanflowProcess; base: string }> {
  const server = new UrbanflowProcess([
    ...runHttpArgs(dir),
    '--log-level',
    'warn',
    '--out-of-orderness',
    '2m',
    '--rate-limit',
    'traffic-center=0,operator=0',
  ]);
  return { server, base: await server.listening() };
}

/** CPU seconds a process has used (user + system), from /proc: load-independent cost per request. */
function cpuSeconds(pid: number): number {
  const fields = readFileSync(`/proc/${pid}/stat`, 'utf8').split(') ')[1].split(' ');
  return (Number(fields[11]) + Number(fields[12])) / 100;
}

/** A bare Fastify process sending the same bytes: what this machine allows, under its current load, without the API. */
async function baseline(bytes: Buffer, dir: string, seconds: number, connections: number): Promise<number> {
  const body = join(dir, 'plan.json');
  writeFileSync(body, bytes);
  const fastify = new URL('../../node_modules/fastify/fastify.js', import.meta.url).pathname;
  const script = `import Fastify from '${fastify}'; import { readFileSync } from 'node:fs';
    const b = readFileSync('${body}'); const app = Fastify();
    app.get('/plan', async (_, reply) => reply.type('application/json').send(b));
    const a = await app.listen({ port: 0, host: '127.0.0.1' }); process.stderr.write('API on ' + a + '\\n');`;
  const child = spawn(process.execPath, ['--input-type=module', '-e', script], { stdio: ['ignore', 'ignore', 'pipe'] });
  let stderr = '';
  child.stderr!.on('data', (d: Buffer) => (stderr += d.toString()));
  try {
    while (!/API on (\S+)/.test(stderr)) {
      if (child.exitCode !== null) throw new Error(`baseline server did not start: ${stderr}`);
      await new Promise((r) => setTimeout(r, 50));
    }
    const url = `${/API on (\S+)/.exec(stderr)![1]}/plan`;
    await autocannon({ url, connections, duration: 2 });
    return Math.round((await autocannon({ url, connections, duration: seconds })).requests.average);
  } finally {
    child.kill();
  }
}

/** Consecutive batches of detector counts, 10 s of event time each, so the watermark moves as in a live feed. */
function ingestBodies(detectors: string[], batches: number, perBatch: number, startMs: number): Buffer[] {
  const out: Buffer[] = [];
  let k = 0;
  for (let b = 0; b < batches; b++) {
    const readings: Reading[] = [];
    const t0 = startMs + b * 10_000;
    for (let i = 0; i < perBatch; i++) {
      readings.push({
        sensor: detectors[k++ % detectors.length],
        metric: 'detector.count',
        ts: t0 + Math.floor((i * 10_000) / perBatch),
        value: (i * 7) % 23,
      });
    }
    out.push(Buffer.from(encodeBatch(readings)));
  }
  return out;
}

/** The largest body the server takes, all dead letters: `[{}, {}, ...]` up to the ingest limit. */
function junkBody(limitBytes: number): { body: Buffer; elements: number } {
  const elements = Math.floor((limitBytes - 2) / 4);
  return { body: Buffer.from(`[${'{}, '.repeat(elements - 1)}{}]`), elements };
}

/** Resident memory of a process in MB, from /proc. */
function rssMb(pid: number): number {
  const pages = Number(readFileSync(`/proc/${pid}/statm`, 'utf8').split(' ')[1]);
  return Math.round((pages * 4096) / 1e6);
}

/**
 * Junk bodies of the largest allowed size posted back to back on one connection while /healthz is probed 100 times a
 * second: how long a liveness probe waits while the server reads junk, and how fast it gets through it.
 */
async function junkIngest(base: string, operatorKey: string, seconds: number, pid: number) {
  const { body, elements } = junkBody(DEFAULT_LIMITS.ingestBodyBytes);
  const rssBefore = rssMb(pid);
  let stop = false;
  let readings = 0;
  let bodies = 0;
  let refused = 0;
  const t0 = performance.now();
  const poster = (async () => {
    while (!stop) {
      const res = await fetch(`${base}/v1/telemetry`, {
        method: 'POST',
        headers: { authorization: `Bearer ${operatorKey}`, 'content-type': 'application/json' },
        body: new Uint8Array(body),
      });
      const answer = (await res.json()) as { readings?: number };
      if (res.status === 202) {
        readings += answer.readings ?? 0;
        bodies++;
      } else refused++;
    }
  })();
  const health = await autocannon({ url: `${base}/healthz`, connections: 1, overallRate: 100, duration: seconds });
  stop = true;
  await poster;
  const elapsed = (performance.now() - t0) / 1000;
  await new Promise((r) => setTimeout(r, 5_000));
  return {
    healthP99Ms: health.latency.p99,
    healthMaxMs: health.latency.max,
    readingsPerSec: Math.round(readings / elapsed),
    bodies,
    refused,
    bodyBytes: body.length,
    elements,
    rssBefore,
    rssPeak: rssMb(pid),
  };
}

interface GetFigures {
  reqPerSec: number;
  p50Ms: number;
  p99Ms: number;
  /** Answers other than the expected status, plus connection errors. */
  unexpected: number;
  serverCpuUsPerReq: number;
}

/** Loads one GET (2 s warm-up, then `seconds`), counting answers of the expected status and the server's CPU per request. */
async function measureGet(
  url: string,
  headers: Record<string, string>,
  expect: 200 | 304,
  seconds: number,
  connections: number,
  pid: number,
): Promise<GetFigures> {
  await autocannon({ url, connections, duration: 2, headers });
  const cpu0 = cpuSeconds(pid);
  const r = await autocannon({ url, connections, duration: seconds, headers });
  const expected = expect === 200 ? r['2xx'] : r['3xx'];
  return {
    reqPerSec: Math.round(r.requests.average),
    p50Ms: r.latency.p50,
    p99Ms: r.latency.p99,
    unexpected: r.requests.total - expected + r.errors,
    serverCpuUsPerReq: Math.round((((cpuSeconds(pid) - cpu0) * 1e6) / r.requests.total) * 10) / 10,
  };
}

export const apiBench: Bench = async (args) => {
  const seconds = flag(args, 'seconds', 10);
  const connections = flag(args, 'connections', 16);
  const perBatch = flag(args, 'batch', 10_000);
  const dir = mkdtempSync(join(tmpdir(), 'uf-bench-api-'));
  const keys = KeyStore.open(join(dir, 'keys.db'));
  const traffic = keys.create({ tenant: 'tmc', role: 'traffic-center' }, Date.now()).secret;
  const operator = keys.create({ tenant: 'ops', role: 'operator' }, Date.now()).secret;
  keys.close();
  // Lane-group history up to now and the signal plans on it, as a running server would have left them.
  const intersections = await seedLiveSignalPlans(dir, Date.now());
  const { server, base } = await startServer(dir);
  try {
    const json = { 'content-type': 'application/json' };
    const auth = (k: string) => ({ authorization: `Bearer ${k}` });
    // A current plan as a traffic center polls it: one intersection's timing plan (--intersections for larger sets).
    const body = JSON.stringify({
      intersections: Array.from({ length: flag(args, 'intersections', 1) }, (_, i) => randomIntersection(i + 1, 0.7)),
    });
    const created = await fetch(`${base}/v1/signals/plans?wait=60`, {
      method: 'POST',
      headers: { ...auth(traffic), ...json },
      body,
    });
    if (created.status !== 201) throw new Error(`plan request failed: ${created.status} ${await created.text()}`);
    const planUrl = `${base}${created.headers.get('location')}`;
    const planDoc = Buffer.from(await (await fetch(planUrl, { headers: auth(traffic) })).arrayBuffer());
    const planBytes = planDoc.byteLength;

    await autocannon({ url: planUrl, connections, duration: 2, headers: auth(traffic) });
    const load = loadavg()[0];
    const cpu0 = cpuSeconds(server.pid);
    const get = await autocannon({ url: planUrl, connections, duration: seconds, headers: auth(traffic) });
    const serverUsPerGet = ((cpuSeconds(server.pid) - cpu0) * 1e6) / get.requests.total;
    const baselineReqPerSec = await baseline(planDoc, dir, seconds, connections);
    process.stderr.write(
      `api: server CPU ${serverUsPerGet.toFixed(1)} us per GET; bare Fastify sending the same bytes on this machine now: ${baselineReqPerSec} req/s\n`,
    );
    process.stderr.write(
      `api: GET plan (${planBytes} bytes): ${Math.round(get.requests.average)} req/s, p50 ${get.latency.p50} ms, p99 ${get.latency.p99} ms, non-2xx ${get.non2xx}, errors ${get.errors}\n`,
    );

    // The live plan a traffic center polls: the plan in effect for one intersection, then the same GET with its ETag (304).
    const liveUrl = `${base}/v1/signals/intersections/${intersections[0]}/plan`;
    const first = await fetch(liveUrl, { headers: auth(traffic) });
    if (first.status !== 200) throw new Error(`live plan GET failed: ${first.status} ${await first.text()}`);
    const livePlanBytes = (await first.arrayBuffer()).byteLength;
    const live = await measureGet(liveUrl, auth(traffic), 200, seconds, connections, server.pid);
    const live304 = await measureGet(
      liveUrl,
      { ...auth(traffic), 'if-none-match': first.headers.get('etag')! },
      304,
      seconds,
      connections,
      server.pid,
    );
    process.stderr.write(
      `api: GET live plan (${livePlanBytes} bytes): ${live.reqPerSec} req/s, p50 ${live.p50Ms} ms, p99 ${live.p99Ms} ms, ${live.serverCpuUsPerReq} us server CPU, unexpected ${live.unexpected}; ` +
        `with If-None-Match (304): ${live304.reqPerSec} req/s, p99 ${live304.p99Ms} ms, ${live304.serverCpuUsPerReq} us, unexpected ${live304.unexpected}\n`,
    );

    const city = (await (await fetch(`${base}/v1/city`, { headers: auth(operator) })).json()) as {
      city: { intersections: { approaches: { laneGroups: { detectors: string[] }[] }[] }[] };
    };
    const detectors = city.city.intersections.flatMap((x) =>
      x.approaches.flatMap((a) => a.laneGroups.flatMap((g) => g.detectors)),
    );
    const batches = flag(args, 'batches', 600);
    const bodies = ingestBodies(detectors, batches, perBatch, Date.now() - 20 * 3_600_000);
    let next = 0;
    const stats0 = (await (await fetch(`${base}/v1/stats`, { headers: auth(operator) })).json()) as {
      readings: number;
    };
    const ingest = await autocannon({
      url: `${base}/v1/telemetry`,
      connections: 2,
      amount: bodies.length,
      requests: [
        {
          method: 'POST',
          headers: { ...auth(operator), 'content-type': 'application/msgpack' },
          setupRequest: (req) => ({ ...req, body: bodies[next++ % bodies.length] }),
        },
      ],
    });
    const stats1 = (await (await fetch(`${base}/v1/stats`, { headers: auth(operator) })).json()) as {
      readings: number;
      late: number;
      deadLetters: number;
    };
    const readings = stats1.readings - stats0.readings;
    const ingestReadingsPerSec = readings / ingest.duration;
    process.stderr.write(
      `api: ingest ${ingest['2xx']} batches of ${perBatch} in ${ingest.duration.toFixed(1)} s: ${Math.round(ingestReadingsPerSec)} readings/s (${readings} taken, ${stats1.deadLetters} dead letters), p99 ${ingest.latency.p99} ms, non-2xx ${ingest.non2xx}\n`,
    );
    const junk = await junkIngest(base, operator, flag(args, 'junk-seconds', 10), server.pid);
    process.stderr.write(
      `api: junk ingest ${junk.bodies} bodies of ${junk.bodyBytes} bytes (${junk.elements} {} each, ${junk.refused} refused): ${junk.readingsPerSec} readings/s; /healthz meanwhile p99 ${junk.healthP99Ms} ms, max ${junk.healthMaxMs} ms; RSS ${junk.rssBefore} MB before, ${junk.rssPeak} MB 5 s after\n`,
    );
    return {
      healthP99DuringIngestMs: junk.healthP99Ms,
      healthMaxDuringIngestMs: junk.healthMaxMs,
      junkIngestReadingsPerSec: junk.readingsPerSec,
      junkIngestBodyBytes: junk.bodyBytes,
      junkIngestRssBeforeMb: junk.rssBefore,
      junkIngestRssAfterMb: junk.rssPeak,
      planGetReqPerSec: Math.round(get.requests.average),
      planGetP50Ms: get.latency.p50,
      planGetP99Ms: get.latency.p99,
      planGetNon2xx: get.non2xx + get.errors,
      planBytes,
      connections,
      planGetServerCpuUsPerReq: Math.round(serverUsPerGet * 10) / 10,
      livePlanGetReqPerSec: live.reqPerSec,
      livePlanGetP50Ms: live.p50Ms,
      livePlanGetP99Ms: live.p99Ms,
      livePlanGetUnexpected: live.unexpected,
      livePlanBytes,
      livePlanGetServerCpuUsPerReq: live.serverCpuUsPerReq,
      livePlan304ReqPerSec: live304.reqPerSec,
      livePlan304P99Ms: live304.p99Ms,
      livePlan304Unexpected: live304.unexpected,
      livePlan304ServerCpuUsPerReq: live304.serverCpuUsPerReq,
      bareFastifyReqPerSec: baselineReqPerSec,
      ingestReadingsPerSec: Math.round(ingestReadingsPerSec),
      ingestBatchReadings: perBatch,
      ingestBatchP99Ms: ingest.latency.p99,
      ingestNon2xx: ingest.non2xx + ingest.errors,
      ingestDeadLetters: stats1.deadLetters,
      loadAvg1m: Math.round(load * 100) / 100,
      cores: (await import('node:os')).cpus().length,
    };
  } finally {
    await server.stop();
    rmSync(dir, { recursive: true, force: true });
  }
};
