// Live signal timing plans: every intersection and corridor of the city, planned on the lane-group flow forecast.
import type { City, Intersection } from '../../city/index.js';
import { configError, notFoundError } from '../../errors.js';
import {
  corridorFromCity,
  intersectionFromCity,
  type CorridorInput,
  type CorridorPlan,
  type IntersectionDemand,
  type IntersectionInput,
  type IntersectionPlan,
  type PlannerOptions,
} from '../../../solvers/signals/index.js';
import { intersectionKey } from '../catalog.js';
import { materialChange, periodDemand, type DemandStatistic } from './lane-demand.js';
import type { PlanRunner } from './plan-runner.js';
import { persistence, type ForecastSource, type LivePlanDeps } from './live-plan-deps.js';
import { PlanWarnings, type PlanWarning } from './plan-warnings.js';
import { fromTaskError, type SignalPlansReply } from '../../runtime/index.js';
import type {
  CorridorPlanAnswer,
  CorridorPlanReady,
  PlanNotReady,
  SignalPlanAnswer,
  SignalPlanReady,
} from './schemas.js';
import { VersionLog, type Versioned } from './versioned.js';

export interface SignalPlanOptions {
  /** Plans cover consecutive periods of this length (15 min to 2 h is usual). */
  periodMs: number;
  /** The next period's plans are published this long before it starts, so controllers can load them. */
  leadMs: number;
  demand: DemandStatistic;
  /** A forecast change at least this large (both) on any lane group recomputes the plan within its period. */
  material: { relative: number; absoluteVehPerHour: number };
  planner: Partial<PlannerOptions>;
}

export const DEFAULT_SIGNAL_PLAN_OPTIONS: SignalPlanOptions = {
  periodMs: 30 * 60_000,
  leadMs: 5 * 60_000,
  demand: 'peak15',
  material: { relative: 0.15, absoluteVehPerHour: 50 },
  planner: {},
};

interface PlanBody<P, D> {
  periodStartMs: number;
  periodEndMs: number;
  forecastStatus: 'ready' | 'fallback';
  demandVehPerHour: D;
  plan: P;
}
type IntersectionBody = PlanBody<IntersectionPlan, Record<string, number>>;
type CorridorBody = PlanBody<CorridorPlan, Record<string, Record<string, number>>>;

type PlanKind = 'intersection' | 'corridor';
/** What each kind of plan stores and answers. */
interface Plans {
  intersection: { body: IntersectionBody; ready: SignalPlanReady };
  corridor: { body: CorridorBody; ready: CorridorPlanReady };
}

/** The key of a plan's warnings: `i:<id>` for an intersection, `c:<id>` for a corridor. */
const warningKey = (kind: PlanKind, id: string) => `${kind === 'intersection' ? 'i' : 'c'}:${id}`;

export interface RefreshReport {
  periodStartMs: number;
  periodEndMs: number;
  /** Plans with new content (a new version), plans recomputed or checked with unchanged content, and the rest. */
  published: number;
  unchanged: number;
  notReady: number;
  failed: { kind: PlanKind; id: string; message: string }[];
}

type Demand = { demand: Record<string, number>; fallback: boolean } | { missing: string };

export type SignalPlanDeps = LivePlanDeps<SignalPlanOptions>;

export class SignalPlanService {
  private city: City;
  private readonly forecasts: ForecastSource;
  private readonly runner: PlanRunner;
  private readonly options: SignalPlanOptions;
  private readonly intersections: VersionLog<IntersectionBody>;
  private readonly corridors: VersionLog<CorridorBody>;
  /** Per plan (`i:<id>`, `c:<id>`), what the last refresh could not do; shared with the versions in a group. */
  private readonly warnings: PlanWarnings;
  private running: Promise<RefreshReport> | undefined;

  constructor(deps: SignalPlanDeps) {
    const { store } = deps;
    this.city = deps.city;
    this.forecasts = deps.forecasts;
    this.runner = deps.runner;
    this.options = { ...DEFAULT_SIGNAL_PLAN_OPTIONS, ...deps.options };
    const { periodMs, leadMs } = this.options;
    if (!(periodMs >= 5 * 60_000 && periodMs <= 4 * 3_600_000))
      throw configError(`signal plan period must be between 5 min and 4 h, got ${periodMs} ms`);
    if (!(leadMs >= 0 && leadMs < periodMs))
      throw configError(`signal plan lead must be at least 0 and shorter than the period, got ${leadMs} ms`);
    // The plan in effect stays readable while the next period's plan is published ahead of its start.
    this.intersections = new VersionLog(persistence(store, 'signal-plan:intersection'), {
      keepPrevious: true,
      replica: deps.replicas?.('signal-plan:intersection'),
    });
    this.corridors = new VersionLog(persistence(store, 'signal-plan:corridor'), {
      keepPrevious: true,
      replica: deps.replicas?.('signal-plan:corridor'),
    });
    this.warnings = new PlanWarnings(deps.replicas?.('signal-plan:warning'));
  }

  /** The plan period whose plans are current at `nowMs` (the one that starts within the lead time, or the running one). */
  period(nowMs: number): { startMs: number; endMs: number } {
    const p = this.options.periodMs;
    const startMs = Math.floor((nowMs + this.options.leadMs) / p) * p;
    return { startMs, endMs: startMs + p };
  }

  /**
   * Brings every plan up to date for the current period: a plan is recomputed when its period changed or its
   * demand forecast moved materially, and gets a new version only when its content changed. One refresh runs at a time.
   */
  refresh(nowMs: number): Promise<RefreshReport> {
    this.running ??= this.refreshNow(nowMs).finally(() => (this.running = undefined));
    return this.running;
  }

  intersection(id: string): SignalPlanAnswer {
    return this.latest('intersection', id);
  }

  corridor(id: string): CorridorPlanAnswer {
    return this.latest('corridor', id);
  }

  /**
   * The intersection's plan in effect at `nowMs`, and the next period's plan when it is already published (within
   * the lead time before its start). `intersection(id)` answers the latest plan, whichever period it is for.
   */
  intersectionAt(id: string, nowMs: number): { current: SignalPlanAnswer; next: SignalPlanReady | null } {
    return this.at('intersection', id, nowMs);
  }

  /** The corridor's plan in effect at `nowMs`, and the next period's plan when it is already published. */
  corridorAt(id: string, nowMs: number): { current: CorridorPlanAnswer; next: CorridorPlanReady | null } {
    return this.at('corridor', id, nowMs);
  }

  /** Version and ETag of every plan, for listings and cheap polling. */
  list(): {
    kind: PlanKind;
    id: string;
    version: number | null;
    etag: string | null;
    effectiveFromMs: number | null;
  }[] {
    const row = (kind: PlanKind, id: string, e: Versioned<unknown> | undefined) => ({
      kind,
      id,
      version: e?.version ?? null,
      etag: e?.etag ?? null,
      effectiveFromMs: e?.effectiveFromMs ?? null,
    });
    return [
      ...this.city.intersections.map((x) => row('intersection', x.id, this.intersections.get(x.id))),
      ...this.city.corridors.map((c) => row('corridor', c.id, this.corridors.get(c.id))),
    ];
  }

  /** Follows a changed city; the next refresh plans its intersections and corridors. */
  setCity(city: City): void {
    this.city = city;
    for (const id of this.intersections.keys())
      if (!city.intersections.some((x) => x.id === id)) this.intersections.delete(id);
    for (const id of this.corridors.keys()) if (!city.corridors.some((c) => c.id === id)) this.corridors.delete(id);
  }

  /** The replaced plan when the latest one starts after `nowMs` and the replaced one is still in effect then. */
  private inEffect<B>(log: VersionLog<B>, id: string, nowMs: number): Versioned<B> | undefined {
    const latest = log.get(id);
    const prior = log.previousOf(id);
    if (!latest || !prior || latest.effectiveFromMs <= nowMs) return undefined;
    return prior.effectiveFromMs <= nowMs && nowMs < prior.effectiveUntilMs ? prior : undefined;
  }

  private logOf<K extends PlanKind>(kind: K): VersionLog<Plans[K]['body']> {
    return (kind === 'intersection' ? this.intersections : this.corridors) as VersionLog<Plans[K]['body']>;
  }

  /** The latest plan of an intersection or corridor of the city, or why there is none yet. */
  private latest<K extends PlanKind>(kind: K, id: string): Plans[K]['ready'] | PlanNotReady {
    const known = kind === 'intersection' ? this.city.intersections : this.city.corridors;
    if (!known.some((x) => x.id === id))
      throw notFoundError(`${kind} '${id}' is not in city ${this.city.id}`, { [kind]: id });
    const e = this.logOf(kind).get(id);
    if (!e)
      return {
        status: 'not-ready',
        kind,
        id,
        reason: this.warnings.get(warningKey(kind, id))?.notReady ?? 'no plan computed yet',
      };
    return this.ready(kind, id, e);
  }

  private at<K extends PlanKind>(
    kind: K,
    id: string,
    nowMs: number,
  ): { current: Plans[K]['ready'] | PlanNotReady; next: Plans[K]['ready'] | null } {
    const latest = this.latest(kind, id);
    const prior = this.inEffect(this.logOf(kind), id, nowMs);
    if (latest.status !== 'ready' || !prior) return { current: latest, next: null };
    return { current: this.ready(kind, id, prior), next: latest as Plans[K]['ready'] };
  }

  private ready<K extends PlanKind>(kind: K, id: string, e: Versioned<Plans[K]['body']>): Plans[K]['ready'] {
    return {
      status: 'ready',
      kind,
      id,
      ...this.common(e, warningKey(kind, id)),
      demandVehPerHour: e.body.demandVehPerHour,
      plan: e.body.plan,
    } as Plans[K]['ready'];
  }

  private common(e: Versioned<IntersectionBody | CorridorBody>, key: string) {
    const { notReady: stuck, failure } = this.warnings.get(key) ?? {};
    const warning =
      failure ?? (stuck ? `not recomputed for the current period, this plan is older: ${stuck}` : undefined);
    return {
      version: e.version,
      etag: e.etag,
      computedAtMs: e.computedAtMs,
      effectiveFromMs: e.effectiveFromMs,
      effectiveUntilMs: e.effectiveUntilMs,
      forecastStatus: e.body.forecastStatus,
      ...(warning ? { warning } : {}),
    };
  }

  private async refreshNow(nowMs: number): Promise<RefreshReport> {
    const notes = this.warnings.draft();
    try {
      return await this.planPeriod(nowMs, notes);
    } finally {
      this.warnings.commit(notes);
    }
  }

  private async planPeriod(nowMs: number, notes: Map<string, PlanWarning>): Promise<RefreshReport> {
    const note = (key: string, w: PlanWarning) => notes.set(key, { ...notes.get(key), ...w });
    const { startMs, endMs } = this.period(nowMs);
    const report: RefreshReport = {
      periodStartMs: startMs,
      periodEndMs: endMs,
      published: 0,
      unchanged: 0,
      notReady: 0,
      failed: [],
    };
    const meta = { computedAtMs: nowMs, effectiveFromMs: Math.max(startMs, nowMs), effectiveUntilMs: endMs };
    // A plan for this period whose demand did not move materially is kept as it is (counted unchanged).
    const holds = <B extends PlanBody<unknown, unknown>>(
      cur: Versioned<B> | undefined,
      moved: (body: B) => boolean,
    ) => {
      const kept = cur !== undefined && cur.body.periodStartMs === startMs && !moved(cur.body);
      if (kept) report.unchanged++;
      return kept;
    };
    const bodyOf = <D>(demand: D, fallback: boolean): Omit<PlanBody<never, D>, 'plan'> => ({
      periodStartMs: startMs,
      periodEndMs: endMs,
      forecastStatus: fallback ? 'fallback' : 'ready',
      demandVehPerHour: demand,
    });
    const demands = new Map<string, Demand>();
    const due: { id: string; input: IntersectionInput; body: Omit<IntersectionBody, 'plan'> }[] = [];
    for (const x of this.city.intersections) {
      const d = this.demandOf(x, startMs, endMs, nowMs);
      demands.set(x.id, d);
      const key = warningKey('intersection', x.id);
      if ('missing' in d) {
        note(key, { notReady: d.missing });
        report.notReady++;
        continue;
      }
      note(key, { notReady: undefined });
      const { demand } = d;
      if (holds(this.intersections.get(x.id), (b) => materialChange(b.demandVehPerHour, demand, this.options.material)))
        continue;
      try {
        due.push({ id: x.id, input: intersectionFromCity(x, demand), body: bodyOf(demand, d.fallback) });
      } catch (err) {
        this.fail(notes, report, 'intersection', x.id, err as Error);
      }
    }
    const dueCorridors: { id: string; input: CorridorInput; body: Omit<CorridorBody, 'plan'> }[] = [];
    for (const c of this.city.corridors) {
      const key = warningKey('corridor', c.id);
      const members = c.intersections.map((id) => [id, demands.get(id)] as const);
      const missing = members.find(([, d]) => !d || 'missing' in d);
      if (missing) {
        note(key, {
          notReady: `intersection ${missing[0]}: ${missing[1] && 'missing' in missing[1] ? missing[1].missing : 'not in the city'}`,
        });
        report.notReady++;
        continue;
      }
      note(key, { notReady: undefined });
      const demand: Record<string, Record<string, number>> = {};
      let fallback = false;
      for (const [id, d] of members) {
        const ok = d as { demand: Record<string, number>; fallback: boolean };
        demand[id] = ok.demand;
        fallback ||= ok.fallback;
      }
      const moved = (b: CorridorBody) =>
        members.some(([id]) => materialChange(b.demandVehPerHour[id] ?? {}, demand[id], this.options.material));
      if (holds(this.corridors.get(c.id), moved)) continue;
      try {
        dueCorridors.push({
          id: c.id,
          input: corridorFromCity(c, this.city.intersections, demand as Record<string, IntersectionDemand>),
          body: bodyOf(demand, fallback),
        });
      } catch (err) {
        this.fail(notes, report, 'corridor', c.id, err as Error);
      }
    }
    if (due.length + dueCorridors.length === 0) return report;
    let reply: SignalPlansReply;
    try {
      reply = await this.runner.signals({
        intersections: due.map(({ id, input }) => ({ id, input })),
        corridors: dueCorridors.map(({ id, input }) => ({ id, input })),
        planner: this.options.planner,
      });
    } catch (err) {
      for (const d of due) this.fail(notes, report, 'intersection', d.id, err as Error);
      for (const d of dueCorridors) this.fail(notes, report, 'corridor', d.id, err as Error);
      return report;
    }
    const publish = <B>(
      log: VersionLog<B>,
      kind: PlanKind,
      id: string,
      body: B | undefined,
      error: SignalPlansReply['intersections'][number]['error'],
    ) => {
      if (error || body === undefined)
        return this.fail(notes, report, kind, id, error ? fromTaskError(error) : new Error('no plan returned'));
      const { changed } = log.publish(id, body, meta);
      note(warningKey(kind, id), { failure: undefined });
      if (changed) report.published++;
      else report.unchanged++;
    };
    reply.intersections.forEach((r, i) =>
      publish(this.intersections, 'intersection', r.id, r.plan && { ...due[i].body, plan: r.plan }, r.error),
    );
    reply.corridors.forEach((r, i) =>
      publish(this.corridors, 'corridor', r.id, r.plan && { ...dueCorridors[i].body, plan: r.plan }, r.error),
    );
    return report;
  }

  private fail(notes: Map<string, PlanWarning>, report: RefreshReport, kind: PlanKind, id: string, err: Error): void {
    report.failed.push({ kind, id, message: err.message });
    const key = warningKey(kind, id);
    notes.set(key, {
      ...notes.get(key),
      failure: `the latest recomputation failed, this plan is older: ${err.message}`,
    });
  }

  /** Demand per lane group (veh/h, whole vehicles) over the period's part still to come, or what is missing. */
  private demandOf(x: Intersection, startMs: number, endMs: number, nowMs: number): Demand {
    const demand: Record<string, number> = {};
    let fallback = false;
    for (const a of x.approaches) {
      for (const g of a.laneGroups) {
        const f = this.forecasts.forecast(
          { kind: 'laneGroup', id: intersectionKey(x.id, g.id), fromMs: startMs, horizonMs: endMs - startMs },
          nowMs,
        );
        if (f.status === 'not-ready') return { missing: `lane group ${g.id}: ${f.reason}` };
        fallback ||= f.status === 'fallback';
        demand[g.id] = Math.round(periodDemand(f, startMs, endMs, this.options.demand));
      }
    }
    return { demand, fallback };
  }
}
