// Live updates as server-sent events: window results and (for operators) pipeline health, scoped like the REST routes.
import type { FastifyPluginAsync } from 'fastify';
import type { ServerResponse } from 'node:http';
import type { WindowResult } from '../../stream/index.js';
import { ANY_ROLE, contractorDepots, principal, type Principal } from '../access/index.js';
import type { ApiContext } from '../context.js';
import { HttpProblem } from '../problem.js';
import { keyFilter, mayReadOperator } from '../window-scope.js';

export interface UpdateOptions {
  /** How long results are gathered before they are sent (ms): one event per batch, the latest result per key. */
  flushMs?: number;
  /** How often operators get a health event (ms). */
  healthEveryMs?: number;
  /** At most this many open streams; more answer 503. */
  maxStreams?: number;
}

/** A client that stopped reading: beyond this many unsent bytes its stream is closed rather than buffered. */
const MAX_BUFFERED_BYTES = 8 * 1024 * 1024;
const HEARTBEAT_MS = 15_000;

interface Stream {
  out: ServerResponse;
  end: () => void;
}

/** Per-source event-time progress, where the engine can tell it (a Kafka engine reports its lag through metrics). */
function watermarkSources(
  ctx: ApiContext,
): { source: string; maxTs: number; lastSeenMs: number; idle: boolean }[] | undefined {
  const engine = ctx.pipeline.engine as Partial<{
    watermarkSources: () => { source: string; maxTs: number; lastSeenMs: number; idle: boolean }[];
  }>;
  return typeof engine.watermarkSources === 'function' ? engine.watermarkSources() : undefined;
}

/** The body of a health event: the numbers the operator's pipeline view shows. */
export function healthSnapshot(ctx: ApiContext, readingsPerSec: number): Record<string, unknown> {
  const s = ctx.pipeline.engine.stats();
  const now = ctx.now();
  const summary = ctx.pipeline.deadLetters.summary();
  const byReason: Record<string, number> = {};
  for (const [reason, r] of Object.entries(summary.byReason)) byReason[reason] = r.count;
  const sources = watermarkSources(ctx);
  return {
    atMs: now,
    readings: s.readings,
    accepted: s.accepted,
    late: s.late,
    readingsPerSec,
    watermark: Number.isFinite(s.watermark) ? s.watermark : null,
    watermarkLagMs: Number.isFinite(s.watermark) ? Math.max(0, now - s.watermark) : null,
    activeWindows: s.activeWindows,
    emitDelayP99Ms: s.emitDelayP99Ms,
    deadLetters: { total: summary.total, byReason },
    lateDrops: ctx.lateDrops(),
    sources:
      sources === undefined
        ? null
        : sources.map((x) => ({
            source: x.source,
            lagMs: Number.isFinite(x.maxTs) ? Math.max(0, now - x.maxTs) : null,
            idle: x.idle,
          })),
  };
}

export function updateRoutes(ctx: ApiContext, o: UpdateOptions = {}): FastifyPluginAsync {
  const flushMs = o.flushMs ?? 100;
  const healthEveryMs = o.healthEveryMs ?? 1000;
  const maxStreams = o.maxStreams ?? 64;
  const streams = new Set<Stream>();
  return async (app) => {
    // Open streams would hold the server's close: they end first.
    app.addHook('preClose', async () => {
      for (const s of [...streams]) s.end();
    });
    app.get(
      '/updates',
      {
        config: { access: ANY_ROLE },
        // A stream, not a document: described in src/api/README.md rather than in the OpenAPI document.
        schema: { hide: true },
      },
      async (request, reply) => {
        const p = principal(request);
        if (streams.size >= maxStreams)
          throw new HttpProblem('unavailable', `${maxStreams} update streams are open; retry later`, {
            headers: { 'retry-after': '5' },
          });
        reply.hijack();
        const out = reply.raw;
        out.writeHead(200, {
          'content-type': 'text/event-stream; charset=utf-8',
          'cache-control': 'no-store',
          'x-content-type-options': 'nosniff',
          'x-request-id': request.id,
          'x-accel-buffering': 'no',
        });
        const send = (event: string, data: unknown) => {
          if (out.writableLength > MAX_BUFFERED_BYTES) return stream.end();
          out.write(`event: ${event}\ndata: ${JSON.stringify(data)}\n\n`);
        };
        const filterOf = scopeFilter(ctx, p);
        let pending = new Map<string, WindowResult>();
        let flushTimer: NodeJS.Timeout | undefined;
        const flush = () => {
          flushTimer = undefined;
          if (pending.size === 0) return;
          const rows = [...pending.values()].map((r) => ({
            operator: r.operator,
            key: r.key,
            start: r.start,
            end: r.end,
            values: r.values,
          }));
          pending = new Map();
          send('results', rows);
        };
        const removeListener = ctx.pipeline.addResultListener((rows) => {
          for (const r of rows) if (filterOf(r)) pending.set(`${r.operator}\u0000${r.key}`, r);
          if (pending.size > 0 && flushTimer === undefined) flushTimer = setTimeout(flush, flushMs);
        });
        let last = { at: performance.now(), readings: ctx.pipeline.engine.stats().readings };
        const health = () => {
          const at = performance.now();
          const readings = ctx.pipeline.engine.stats().readings;
          const rate = at > last.at ? ((readings - last.readings) * 1000) / (at - last.at) : 0;
          last = { at, readings };
          send('health', healthSnapshot(ctx, Math.round(rate)));
        };
        const healthTimer = p.role === 'operator' ? setInterval(health, healthEveryMs) : undefined;
        const heartbeat = setInterval(() => out.write(': keep-alive\n\n'), HEARTBEAT_MS);
        const stream: Stream = {
          out,
          end: () => {
            if (!streams.delete(stream)) return;
            removeListener();
            clearTimeout(flushTimer);
            clearInterval(healthTimer);
            clearInterval(heartbeat);
            out.end();
          },
        };
        streams.add(stream);
        request.raw.on('close', stream.end);
        const depots = p.role === 'waste-contractor' ? [...contractorDepots(p, ctx.city.city)] : [];
        send('hello', { role: p.role, tenant: p.tenant, depots, flushMs });
        if (healthTimer) health();
      },
    );
  };
}

/** Which results a caller may see: readable operators, and for contractors only the bins, depots and areas in scope. */
function scopeFilter(ctx: ApiContext, p: Principal): (r: WindowResult) => boolean {
  const byOperator = new Map<string, ((key: string) => boolean) | undefined | false>();
  let city = ctx.city.city;
  return (r) => {
    // A city change (a new bin, a depot's contractor) changes the scope: the filters are rebuilt.
    if (ctx.city.city !== city) {
      city = ctx.city.city;
      byOperator.clear();
    }
    let f = byOperator.get(r.operator);
    if (f === undefined && !byOperator.has(r.operator)) {
      const op = ctx.pipeline.operators.find((o) => o.name === r.operator);
      f = op !== undefined && mayReadOperator(p, op) ? keyFilter(p, op, city) : false;
      byOperator.set(r.operator, f);
    }
    if (f === false) return false;
    return f === undefined || f(r.key);
  };
}
