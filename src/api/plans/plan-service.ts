// Accepts plan requests, solves them on the solver runtime, stores the outcome; resumes unsolved plans after a restart.
import { HttpProblem } from '../problem.js';
import type { PlanRecord, PlanStore } from './plan-store.js';
import type { PlanKindName, SolverRuntime, SolverTask, TaskOutcome } from '../../runtime/index.js';

export interface PlanServiceOptions {
  store: PlanStore;
  solvers: SolverRuntime;
  now: () => number;
  /** After each solve, with the plan when there is one (metrics read it). */
  onSolved?: (kind: PlanKindName, outcome: 'done' | 'failed', seconds: number, result?: unknown) => void;
  onError?: (err: Error) => void;
}

export class PlanService {
  private readonly running = new Map<string, Promise<void>>();
  private closing = false;

  constructor(private readonly o: PlanServiceOptions) {}

  get store(): PlanStore {
    return this.o.store;
  }

  get alive(): boolean {
    return !this.closing && this.o.solvers.alive;
  }

  /** Stores the request and starts solving it; refuses with 503 when the solver queue is full. */
  submit(p: {
    kind: PlanKindName;
    tenant: string;
    keyId: string;
    scope: string;
    request: unknown;
    inputs?: unknown;
  }): PlanRecord {
    if (this.closing)
      throw new HttpProblem(
        'unavailable',
        'the server is shutting down; retry against another instance or after the restart',
        { headers: { 'retry-after': '5' } },
      );
    if (this.o.solvers.full) {
      throw new HttpProblem(
        'unavailable',
        `the solver queue is full (${this.o.solvers.load} solves waiting or running); retry later`,
        { headers: { 'retry-after': '5' } },
      );
    }
    const record = this.o.store.create(p, this.o.now());
    this.start(record);
    return record;
  }

  /** Solves again every plan that was accepted but not finished before the last stop. */
  resume(): number {
    const pending = this.o.store.pending();
    for (const r of pending) this.start(r);
    return pending.length;
  }

  /** The plan once solved, or as it stands after `timeoutMs`. */
  async wait(id: string, timeoutMs: number): Promise<PlanRecord | undefined> {
    const run = this.running.get(id);
    if (run) {
      let timer: NodeJS.Timeout | undefined;
      await Promise.race([run, new Promise<void>((resolve) => (timer = setTimeout(resolve, timeoutMs)))]);
      clearTimeout(timer);
    }
    return this.o.store.get(id);
  }

  /** Stops accepting, lets running solves finish for up to `graceMs`; unfinished plans stay queued for the next start. */
  async close(graceMs: number): Promise<void> {
    this.closing = true;
    let timer: NodeJS.Timeout | undefined;
    await Promise.race([
      Promise.all(this.running.values()),
      new Promise<void>((resolve) => (timer = setTimeout(resolve, graceMs))),
    ]);
    clearTimeout(timer);
  }

  private start(record: PlanRecord): void {
    const begin = performance.now();
    const run = this.o.solvers
      .outcome({ kind: record.kind, input: JSON.parse(record.requestJson) } as SolverTask)
      .then((outcome: TaskOutcome) => {
        // A solve cut off by shutdown is not a failed plan: it stays queued and is solved after the restart.
        if (this.closing && !outcome.ok && outcome.error.code === 'UF_ERR_WORKER') return;
        const status = this.o.store.finish(
          record.id,
          outcome.ok ? { result: outcome.result } : { error: outcome.error },
          this.o.now(),
        );
        this.o.onSolved?.(
          record.kind,
          status,
          (performance.now() - begin) / 1000,
          outcome.ok ? outcome.result : undefined,
        );
      })
      .catch((err: Error) => this.o.onError?.(err))
      .finally(() => this.running.delete(record.id));
    this.running.set(record.id, run);
  }
}
