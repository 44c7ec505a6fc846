// Telemetry into the engine from a route: one wire message at a time through the ingest queue, with what validation
// made of it, the refusals every ingest route shares (draining, a stopped pipeline) and the ingest counters.
import type { ApiContext } from './context.js';
import { JsonBodyError } from './json-array-reader.js';
import type { JsonIngestOutcome } from './json-ingest.js';
import { HttpProblem } from './problem.js';

/** 503 once shutdown began: the telemetry should go to another instance. */
export function refuseWhileDraining(ctx: ApiContext): void {
  if (ctx.draining)
    throw new HttpProblem(
      'unavailable',
      'the server is shutting down and no longer takes telemetry; send it to another instance or retry after the restart',
      { headers: { 'retry-after': '5' } },
    );
}

/** An engine failure as the 503 it is for the sender (and readiness); request problems pass through. */
export function refuseIfStopped(ctx: ApiContext, err: unknown): never {
  if (err instanceof HttpProblem || err instanceof JsonBodyError) throw err;
  ctx.pipelineFailure ??= err as Error;
  throw new HttpProblem(
    'unavailable',
    `the stream pipeline stopped (${(err as Error).message}); nothing more of this request was taken`,
    { headers: { 'retry-after': '30' } },
  );
}

/** One wire message (a single reading or a columnar batch) into the engine as `partition`, counted. */
export function ingestMessage(ctx: ApiContext, message: Uint8Array, partition: string): Promise<JsonIngestOutcome> {
  const engine = ctx.pipeline.engine;
  const dead = ctx.pipeline.deadLetters;
  return ctx.ingest.run(async () => {
    const before = new Map(dead.counts);
    const readings0 = engine.stats().readings;
    const dead0 = dead.total;
    let done: Promise<void>;
    try {
      done = engine.ingestMessage(message, partition);
    } catch (err) {
      return refuseIfStopped(ctx, err);
    }
    // Validation runs before the engine's first await: the counters now hold this message's outcome alone.
    const byReason: Record<string, number> = {};
    for (const [reason, n] of dead.counts)
      if (n !== (before.get(reason) ?? 0)) byReason[reason] = n - (before.get(reason) ?? 0);
    const outcome = {
      readings: engine.stats().readings - readings0,
      deadLettered: dead.total - dead0,
      byReason,
    };
    await done;
    return outcome;
  });
}

/** Adds a request's outcome to the HTTP ingest counters. */
export function countIngest(ctx: ApiContext, readings: number, deadLettered: number): void {
  ctx.metrics.httpIngestReadings.inc({ outcome: 'accepted' }, readings - deadLettered);
  ctx.metrics.httpIngestReadings.inc({ outcome: 'dead-lettered' }, deadLettered);
}

/** The reason label of an HTTP ingest request refused with `status`. */
export function ingestRefusalReason(status: number): string {
  return INGEST_REFUSALS[status] ?? `status-${status}`;
}

const INGEST_REFUSALS: Record<number, string> = {
  400: 'bad-request',
  401: 'unauthenticated',
  403: 'forbidden',
  413: 'too-large',
  415: 'unsupported-media-type',
  429: 'rate-limited',
  503: 'unavailable',
};

/**
 * An ingest route's `onResponse` hook: every request answered with an error status counts once, by reason, so refused
 * uploads (oversized, unparsable, unauthenticated, or turned away while the engine is behind) show on /metrics next
 * to the readings that got in.
 */
export function countRefusedIngest(ctx: ApiContext) {
  return async (_request: unknown, reply: { statusCode: number }): Promise<void> => {
    if (reply.statusCode >= 400) ctx.metrics.httpIngestRefused.inc({ reason: ingestRefusalReason(reply.statusCode) });
  };
}
