// The forecast service: fed by window results, refits in worker threads on a schedule, answers forecast queries.
import { cityHolidayDates, type City } from '../../city/index.js';
import { inputError, notFoundError } from '../../errors.js';
import type { OperatorSpec, WindowResult } from '../../stream/index.js';
import { utcOffsetMs } from '../../city/local-time.js';
import type { Replica } from '../replica.js';
import type { StateStore } from '../state-store.js';
import { answerForecast, fallbackRequired } from './answer.js';
import { buildFitTask, requiredSteps, type FitData, type FitOutcome, type FitTask } from './fit-task.js';
import { SeriesHistory } from './history.js';
import type { ModelRecord } from './online.js';
import { modelRecordJson, restoreState, saveState, type KindState, type SeriesState } from './persistence.js';
import { createRefitPool, type RefitPool } from './refit-pool.js';
import { refitPriority } from './schedule.js';
import { decodeSharedFit, encodeSharedFit, parseSharedFitKey, sharedFitKey, supersedes } from './shared-fits.js';
import type { ForecastAnswer, ForecastQuery, SeriesSummary } from './schemas.js';
import {
  resolveKinds,
  seriesIdsOfCity,
  type DisabledKind,
  type KindSettings,
  type ResolvedKind,
  type SeriesKind,
} from './series-kinds.js';

export interface ForecastServiceOptions {
  city: City;
  operators: readonly OperatorSpec[];
  /** Where history and models persist; none keeps everything in memory. */
  store?: StateStore;
  /** Worker threads for refits (default 1). */
  refitThreads?: number;
  /**
   * Series per refit task (default 16). The event loop builds, posts, takes back and saves a batch in a few
   * synchronous steps whose length grows with the batch: 16 keeps each to a few milliseconds.
   */
  refitBatchSeries?: number;
  /** Service time between saves of new observations (default 1 h); models are saved after every refit. */
  persistEveryMs?: number;
  kinds?: Partial<Record<SeriesKind, Partial<KindSettings>>>;
  /**
   * Kafka mode: the processes of a group share their fits. Only the process for which `fits()` answers true (the
   * group's leader) refits on its schedule; every fit and failed fit goes to the replica, and every process
   * forecasts with the newest fit it read there, so the same window results give the same forecasts everywhere.
   */
  shared?: { replica: Replica; fits: () => boolean };
}

export interface ForecastStats {
  rows: number;
  accepted: number;
  revisions: number;
  unchanged: number;
  tooOld: number;
  unknownSeries: number;
  nullValues: number;
  refitBatches: number;
  refitSeries: number;
  refitErrors: number;
  poolErrors: number;
  restoredSeries: number;
  restoredModels: number;
  discardedOnRestore: number;
  persists: number;
  /** Kafka mode: fit states this process published, and those read from the group that replaced its own. */
  sharedPublished: number;
  sharedApplied: number;
  kinds: Record<string, { series: number; models: number; inFlight: number; disabled?: string }>;
}

export class ForecastService {
  private readonly kinds = new Map<SeriesKind, KindState>();
  private readonly byOperator = new Map<string, KindState>();
  private readonly disabled: DisabledKind[];
  private readonly running = new Set<Promise<void>>();
  private pool: RefitPool | undefined;
  private city: City;
  private holidayCache: { city: City; year: number; dates: string[] } | undefined;
  private lastPersistMs = -Infinity;
  private closed = false;
  private readonly counters = {
    rows: 0,
    accepted: 0,
    revisions: 0,
    unchanged: 0,
    tooOld: 0,
    unknownSeries: 0,
    nullValues: 0,
    refitBatches: 0,
    refitSeries: 0,
    refitErrors: 0,
    poolErrors: 0,
    restoredSeries: 0,
    restoredModels: 0,
    discardedOnRestore: 0,
    persists: 0,
    sharedPublished: 0,
    sharedApplied: 0,
  };

  constructor(private readonly o: ForecastServiceOptions) {
    this.city = o.city;
    const { kinds, disabled } = resolveKinds(o.operators, o.kinds);
    this.disabled = disabled;
    for (const kind of kinds) {
      const state: KindState = {
        kind,
        required: requiredSteps(kind),
        known: new Set(seriesIdsOfCity(o.city, kind.kind)),
        series: new Map(),
      };
      this.kinds.set(kind.kind, state);
      this.byOperator.set(kind.operator, state);
    }
    if (o.store) {
      const r = restoreState(o.store, this.kinds.values());
      this.counters.restoredSeries = r.series;
      this.counters.restoredModels = r.models;
      this.counters.discardedOnRestore = r.discarded;
    }
    o.shared?.replica.subscribe((key, doc) => this.applyShared(key, doc));
  }

  /** Takes window results as the pipeline emits them; a revision replaces the value of its window. */
  ingest(rows: readonly WindowResult[]): void {
    for (const r of rows) {
      const ks = this.byOperator.get(r.operator);
      if (!ks) continue;
      this.counters.rows++;
      const k = ks.kind;
      if (!ks.known.has(r.key)) {
        this.counters.unknownSeries++;
        continue;
      }
      const raw = r.values[k.aggregate];
      if (raw === null || raw === undefined || !Number.isFinite(raw) || r.end - r.start !== k.stepMs) {
        this.counters.nullValues++;
        continue;
      }
      let s = ks.series.get(r.key);
      if (!s)
        ks.series.set(
          r.key,
          (s = { history: new SeriesHistory(k.historySteps, k.maxGapSteps), inFlight: false, modelDirty: false }),
        );
      const outcome = s.history.put(Math.floor((r.start - k.phaseMs) / k.stepMs), raw * k.scale);
      if (outcome === 'new') this.counters.accepted++;
      else if (outcome === 'revised') this.counters.revisions++;
      else if (outcome === 'unchanged') this.counters.unchanged++;
      else this.counters.tooOld++;
    }
  }

  /** Starts the refits that are due (in the background) and saves new observations when a save is due. */
  tick(nowMs: number): void {
    if (this.closed) return;
    if (!this.o.shared || this.o.shared.fits()) this.startRefits(nowMs);
    if (this.o.store && nowMs - this.lastPersistMs >= (this.o.persistEveryMs ?? 3_600_000)) {
      this.persist();
      this.lastPersistMs = nowMs;
    }
  }

  /** Runs every due refit and waits for them: each series with enough history has a model afterwards. */
  async refit(nowMs: number): Promise<void> {
    while (!this.closed) {
      const started = this.startRefits(nowMs);
      if (started === 0 && this.running.size === 0) break;
      await Promise.race([...this.running]);
      // The batch that ended was applied and saved in this task; the next batch is built in a later one, so the
      // event loop serves timers and I/O in between.
      await new Promise<void>((resolve) => setImmediate(resolve));
    }
    await this.idle();
  }

  /** Waits until no refit is running. */
  async idle(): Promise<void> {
    while (this.running.size > 0) await Promise.all([...this.running]);
  }

  forecast(query: ForecastQuery, nowMs: number): ForecastAnswer {
    if (!Number.isFinite(query.horizonMs) || query.horizonMs <= 0)
      throw inputError(`horizonMs must be a positive number of milliseconds, got ${query.horizonMs}`, {
        field: 'horizonMs',
      });
    if (query.fromMs !== undefined && !Number.isFinite(query.fromMs))
      throw inputError('fromMs must be epoch milliseconds', { field: 'fromMs' });
    const ks = this.kindState(query.kind);
    if (!ks.known.has(query.id))
      throw notFoundError(`${query.kind} '${query.id}' is not in city ${this.city.id}`, {
        kind: query.kind,
        id: query.id,
      });
    const s = ks.series.get(query.id);
    return answerForecast({
      kind: ks.kind,
      id: query.id,
      history: s?.history ?? new SeriesHistory(ks.kind.historySteps, ks.kind.maxGapSteps),
      record: s?.record,
      nowMs,
      fromMs: query.fromMs ?? nowMs,
      horizonMs: query.horizonMs,
      thresholdPercent: query.kind === 'bin' ? this.binThreshold(query.id) : undefined,
    });
  }

  /** Observed values of one series for windows starting in [fromMs, toMs), null where a window has none. */
  observed(
    kind: SeriesKind,
    id: string,
    fromMs: number,
    toMs: number,
  ): { stepMs: number; timestamps: number[]; values: (number | null)[] } {
    const ks = this.kindState(kind);
    const k = ks.kind;
    const first = Math.ceil((fromMs - k.phaseMs) / k.stepMs);
    const last = Math.ceil((toMs - k.phaseMs) / k.stepMs) - 1;
    const h = ks.series.get(id)?.history;
    const timestamps: number[] = [];
    const values: (number | null)[] = [];
    for (let i = first; i <= last; i++) {
      const v = h ? h.at(i) : NaN;
      timestamps.push(i * k.stepMs + k.phaseMs);
      values.push(v === v ? v : null);
    }
    return { stepMs: k.stepMs, timestamps, values };
  }

  /** Every series of a kind in the city, with its data and model state. */
  series(kind: SeriesKind): SeriesSummary[] {
    const ks = this.kindState(kind);
    return [...ks.known].map((id) => {
      const s = ks.series.get(id);
      const last = s && !s.history.empty ? s.history.lastIdx * ks.kind.stepMs + ks.kind.phaseMs : null;
      return {
        kind,
        id,
        observations: s?.history.observations ?? 0,
        lastObservationMs: last,
        model: s?.record
          ? {
              fittedAtMs: s.record.fittedAtMs,
              observations: s.record.data.observations,
              calibratedHorizonSteps: s.record.data.horizon,
            }
          : null,
        lastFitError: s?.lastError?.message ?? null,
      };
    });
  }

  /** End of the newest window held for any series, or null when there is none (e.g. to resume a simulation). */
  latestDataMs(): number | null {
    let latest: number | null = null;
    for (const ks of this.kinds.values()) {
      for (const s of ks.series.values()) {
        if (s.history.empty) continue;
        const end = (s.history.lastIdx + 1) * ks.kind.stepMs + ks.kind.phaseMs;
        if (latest === null || end > latest) latest = end;
      }
    }
    return latest;
  }

  /** The fitted model's metadata (what it was fitted on, when, and on which thread), or null. */
  modelInfo(kind: SeriesKind, id: string): (Omit<ModelRecord, 'model'> & { modelKind: string }) | null {
    const rec = this.kindState(kind).series.get(id)?.record;
    return rec
      ? {
          data: { ...rec.data },
          fittedAtMs: rec.fittedAtMs,
          fitMs: rec.fitMs,
          threadId: rec.threadId,
          modelKind: rec.model.kind,
        }
      : null;
  }

  /** The steps and units of each kind the running operators feed. */
  kindInfo(kind: SeriesKind): ResolvedKind {
    return this.kindState(kind).kind;
  }

  /** Data time every enabled kind needs before its first (cold-start fallback) forecast: what a warm start replays at least. */
  firstForecastSpanMs(): number {
    let span = 0;
    for (const ks of this.kinds.values()) span = Math.max(span, fallbackRequired(ks.kind) * ks.kind.stepMs);
    return span;
  }

  /** Follows a changed city: new series start empty, removed ones are dropped here and in the state directory. */
  setCity(city: City): void {
    this.city = city;
    for (const ks of this.kinds.values()) {
      ks.known = new Set(seriesIdsOfCity(city, ks.kind.kind));
      for (const id of [...ks.series.keys()]) {
        if (ks.known.has(id)) continue;
        ks.series.delete(id);
        this.o.store?.deleteSeries(ks.kind.kind, id);
      }
    }
  }

  /**
   * Kafka mode, once the group's fits were read: shares the fits this process holds that are later than the
   * group's (restored from its state file, e.g. after a run without sharing), so the group converges on them.
   */
  shareOwnFits(): void {
    if (!this.o.shared) return;
    for (const ks of this.kinds.values())
      for (const [id, s] of ks.series) if ((s.record || s.lastError) && !s.shared) this.share(ks.kind.kind, id, s);
  }

  /** Saves observations changed since the last save, and models fitted since. */
  persist(): void {
    if (!this.o.store) return;
    saveState(this.o.store, this.kinds.values(), false);
    this.counters.persists++;
  }

  stats(): ForecastStats {
    const kinds: ForecastStats['kinds'] = {};
    for (const ks of this.kinds.values()) {
      let models = 0;
      let inFlight = 0;
      for (const s of ks.series.values()) {
        if (s.record) models++;
        if (s.inFlight) inFlight++;
      }
      kinds[ks.kind.kind] = { series: ks.series.size, models, inFlight };
    }
    for (const d of this.disabled) kinds[d.kind] = { series: 0, models: 0, inFlight: 0, disabled: d.reason };
    return { ...this.counters, kinds };
  }

  /** Waits for running refits, saves everything and stops the worker threads; the store stays open for its owner. */
  async close(): Promise<void> {
    this.closed = true;
    await this.idle();
    this.persist();
    await this.pool?.close();
    this.pool = undefined;
  }

  private kindState(kind: SeriesKind): KindState {
    const ks = this.kinds.get(kind);
    if (ks) return ks;
    const d = this.disabled.find((x) => x.kind === kind);
    throw notFoundError(
      d ? `no ${kind} forecasts: ${d.reason}` : `unknown series kind '${kind}'; one of feeder, bin, laneGroup`,
      { kind },
    );
  }

  private binThreshold(id: string): number {
    const bin = this.city.waste.bins.find((b) => b.id === id);
    return (bin?.threshold ?? 1) * 100;
  }

  /** Starts refit batches for the most urgent due series while pool threads are free; returns how many started. */
  private startRefits(nowMs: number): number {
    const threads = Math.max(1, this.o.refitThreads ?? 1);
    const free = threads - this.running.size;
    if (free <= 0) return 0;
    const due: { ks: KindState; id: string; s: SeriesState; priority: number; fittedAt: number }[] = [];
    for (const ks of this.kinds.values()) {
      for (const [id, s] of ks.series) {
        const rec = s.record;
        const priority = refitPriority(
          {
            usable: s.history.usableLength,
            required: ks.required,
            model: rec ? { fittedAtMs: rec.fittedAtMs, usable: rec.data.toIdx - rec.data.fromIdx + 1 } : null,
            inFlight: s.inFlight,
            lastErrorAtMs: s.lastError?.atMs ?? null,
          },
          nowMs,
          ks.kind.refitEveryMs,
          ks.kind.historySteps,
        );
        if (priority !== null) due.push({ ks, id, s, priority, fittedAt: rec?.fittedAtMs ?? -Infinity });
      }
    }
    if (due.length === 0) return 0;
    due.sort((a, b) => a.priority - b.priority || a.fittedAt - b.fittedAt);
    const per = Math.max(1, this.o.refitBatchSeries ?? 16);
    const holidays = this.holidaysAround(nowMs);
    // Series of a kind mostly end on the same window: one timezone lookup (Intl, ~0.1 ms) per distinct instant.
    const offsets = new Map<number, number>();
    const offsetAt = (ms: number): number => {
      let off = offsets.get(ms);
      if (off === undefined) offsets.set(ms, (off = utcOffsetMs(this.city.timezone, ms)));
      return off;
    };
    let started = 0;
    for (let b = 0; b < free && b * per < due.length; b++) {
      const batch: { task: FitTask; data: FitData; s: SeriesState }[] = [];
      for (const d of due.slice(b * per, (b + 1) * per)) {
        const h = d.s.history;
        const shift = offsetAt(h.lastIdx * d.ks.kind.stepMs + d.ks.kind.phaseMs);
        const built = buildFitTask(d.ks.kind, d.id, h, shift, holidays);
        if (!built) continue;
        d.s.inFlight = true;
        batch.push({ ...built, s: d.s });
      }
      if (batch.length === 0) continue;
      started++;
      this.runBatch(batch, nowMs);
    }
    return started;
  }

  /**
   * The city's holidays from a year before `nowMs` to a year after (fits reach back 12 weeks, forecasts 14 days),
   * kept until the city or the year changes: the built-in calendar is computed once a year, not once a refit.
   */
  private holidaysAround(nowMs: number): string[] {
    const year = new Date(nowMs).getUTCFullYear();
    if (this.holidayCache?.city !== this.city || this.holidayCache.year !== year) {
      this.holidayCache = { city: this.city, year, dates: cityHolidayDates(this.city, year - 1, year + 1) };
    }
    return this.holidayCache.dates;
  }

  private runBatch(batch: { task: FitTask; data: FitData; s: SeriesState }[], nowMs: number): void {
    this.pool ??= createRefitPool(Math.max(1, this.o.refitThreads ?? 1));
    this.counters.refitBatches++;
    const p: Promise<void> = this.pool
      .run(batch.map((b) => b.task))
      .then((outcomes: FitOutcome[]) => outcomes.forEach((out, i) => this.apply(batch[i], out, nowMs)))
      .catch((err: Error) => {
        this.counters.poolErrors++;
        for (const b of batch)
          this.settle(b.task, b.s, {
            record: b.s.record,
            lastError: { atMs: nowMs, message: `refit worker failed: ${err.message}` },
          });
      })
      .finally(() => {
        for (const b of batch) b.s.inFlight = false;
        this.running.delete(p);
        if (this.o.store && !this.closed) saveState(this.o.store, this.kinds.values(), true);
      });
    this.running.add(p);
  }

  private apply(b: { task: FitTask; data: FitData; s: SeriesState }, out: FitOutcome, nowMs: number): void {
    if (!out.ok) {
      this.counters.refitErrors++;
      this.settle(b.task, b.s, {
        record: b.s.record,
        lastError: { atMs: nowMs, message: `${out.code}: ${out.message}` },
      });
      return;
    }
    this.counters.refitSeries++;
    const record = { model: out.model, data: b.data, fittedAtMs: nowMs, fitMs: out.fitMs, threadId: out.threadId };
    this.settle(b.task, b.s, { record, lastError: undefined }, out.modelJson);
  }

  /**
   * A fit's outcome becomes the series' state: at once alone; in a group it is published and taken through the
   * same merge as the fits read from the others (a later fit another process made meanwhile stands).
   */
  private settle(
    at: { kind: SeriesKind; id: string },
    s: SeriesState,
    next: Pick<SeriesState, 'record' | 'lastError'>,
    modelJson?: string,
  ): void {
    if (!this.o.shared) {
      if (next.record !== s.record) {
        s.modelDirty = true;
        s.recordJson = next.record && modelJson !== undefined ? modelRecordJson(next.record, modelJson) : undefined;
      }
      s.record = next.record;
      s.lastError = next.lastError;
      return;
    }
    this.share(at.kind, at.id, next);
  }

  /** Publishes a fit state and applies it here as every other process will. */
  private share(kind: SeriesKind, id: string, state: Pick<SeriesState, 'record' | 'lastError'>): void {
    const key = sharedFitKey(kind, id);
    const doc = encodeSharedFit(state);
    this.counters.sharedPublished++;
    this.o.shared!.replica.publish(key, doc);
    this.applyShared(key, doc);
  }

  /** A fit state read from the group (this process's own included); a malformed one throws for the reader to count. */
  private applyShared(key: string, doc: string | null): void {
    const { kind, id } = parseSharedFitKey(key);
    const ks = this.kinds.get(kind as SeriesKind);
    // A kind disabled here, a series not in this city, or a removed series (no fit state is deleted otherwise).
    if (!ks || !ks.known.has(id) || doc === null) return;
    const fit = decodeSharedFit(ks.kind.kind, doc);
    let s = ks.series.get(id);
    if (!s)
      ks.series.set(
        id,
        (s = {
          history: new SeriesHistory(ks.kind.historySteps, ks.kind.maxGapSteps),
          inFlight: false,
          modelDirty: false,
        }),
      );
    if (!supersedes(fit, s)) return;
    s.record = fit.record ?? undefined;
    s.recordJson = undefined;
    s.lastError = fit.lastError ?? undefined;
    s.shared = { at: fit.at, tag: fit.tag };
    s.modelDirty = s.record !== undefined;
    this.counters.sharedApplied++;
  }
}
