// Graceful shutdown: refuse new work, finish requests in flight, stop sources, drain the engine, checkpoint, close.
import type { Pipeline } from '../app/index.js';
import type { ApiServer } from './server.js';

export interface ShutdownParts {
  app: ApiServer;
  pipeline: Pipeline;
  /** Stops the sources; resolves once what they read has been handed to the engine. */
  stopSources: () => Promise<void>;
  /**
   * Sources that keep state across restarts (the Kafka consumer) checkpoint here, after the engine has drained.
   * Without any, open windows are closed and emitted, so every accepted reading reaches a result.
   */
  checkpoints?: (() => Promise<void>)[];
  /**
   * Consumers of window results (the live forecasts and plans) stop and save here: after every complete window
   * has been emitted, before open windows are closed early (a partial window is not a 5-minute count).
   */
  closeConsumers?: () => Promise<void>;
  /** Time between failing readiness and closing the listener, for load balancers to notice. */
  drainDelayMs?: number;
  log: (message: string) => void;
}

export async function gracefulShutdown(p: ShutdownParts): Promise<void> {
  const ctx = p.app.urbanflow;
  ctx.draining = true;
  if (p.drainDelayMs) await new Promise((resolve) => setTimeout(resolve, p.drainDelayMs));
  p.log('stopping the API: no new connections, finishing requests in flight');
  // Requests in flight (telemetry included) complete; running solves finish or stay queued for the next start.
  await p.app.close();
  p.log('stopping sources');
  await p.stopSources();
  const checkpoints = p.checkpoints ?? [];
  await p.pipeline.engine.flush();
  await p.pipeline.engine.drain();
  if (p.closeConsumers) {
    p.log('saving live forecasts and plans');
    await p.closeConsumers();
  }
  if (checkpoints.length > 0) {
    p.log(`checkpointing ${checkpoints.length} source(s)`);
    for (const c of checkpoints) await c();
  } else {
    p.log('closing open windows');
    await p.pipeline.engine.finish();
  }
  await p.pipeline.engine.close();
  const s = p.pipeline.engine.stats();
  p.log(`stopped: ${s.readings} readings, ${s.results} window results, ${p.pipeline.deadLetters.total} dead letters`);
}
