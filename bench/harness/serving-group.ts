// A Kafka group serving the API: the simulator feeding it and HTTP helpers for its processes (scale-out test and benchmark).
import { topicFlags, type GroupArgs } from './engine-process.js';
import { UrbanflowProcess } from './urbanflow-process.js';

/** `urbanflow simulate --kafka` for a range of simulated time; with `pace`, that many times the wall clock. */
export function simulate(a: GroupArgs, o: { fromMs: number; durationMs: number; pace?: number }): UrbanflowProcess {
  const args = [
    'simulate',
    '--kafka',
    a.brokers,
    '--city',
    a.cityFile,
    ...topicFlags(a),
    '--from',
    new Date(o.fromMs).toISOString(),
    '--duration',
    `${Math.round(o.durationMs / 1000)}s`,
  ];
  if (o.pace !== undefined) args.push('--pace', String(o.pace));
  return new UrbanflowProcess(args);
}

export interface Answer {
  status: number;
  headers: Record<string, string>;
  body: unknown;
}

export async function call(
  base: string,
  path: string,
  key: string | undefined,
  init: { method?: string; body?: unknown } = {},
): Promise<Answer> {
  const res = await fetch(`${base}${path}`, {
    method: init.method ?? 'GET',
    headers: {
      ...(key ? { authorization: `Bearer ${key}` } : {}),
      ...(init.body !== undefined ? { 'content-type': 'application/json' } : {}),
    },
    body: init.body === undefined ? undefined : JSON.stringify(init.body),
    signal: AbortSignal.timeout(30_000),
  });
  const text = await res.text();
  let body: unknown = text;
  if ((res.headers.get('content-type') ?? '').includes('json') && text !== '') body = JSON.parse(text);
  return { status: res.status, headers: Object.fromEntries(res.headers.entries()), body };
}

/** A gauge of the process's /metrics (summed over labels), or undefined when absent. */
export async function gauge(base: string, key: string, name: string): Promise<number | undefined> {
  const r = await call(base, '/metrics', key);
  let sum: number | undefined;
  for (const line of String(r.body).split('\n')) {
    if (line.startsWith(`${name} `) || line.startsWith(`${name}{`))
      sum = (sum ?? 0) + Number(line.slice(line.lastIndexOf(' ') + 1));
  }
  return sum;
}

/** Routes every process of a serving group answers for the whole city, whichever partitions it holds. */
export function cityWideRoutes(intersectionId: string): string[] {
  return [
    '/v1/operators',
    '/v1/windows/lane-group-flow-5m/current',
    '/v1/signals/intersections',
    `/v1/signals/intersections/${intersectionId}/plan`,
    '/v1/keys',
  ];
}
