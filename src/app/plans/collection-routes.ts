// Live collection routes per (depot, service date), planned on the bin fill forecasts and cached with versions.
import type { City } from '../../city/index.js';
import { inputError, notFoundError, notReadyError } from '../../errors.js';
import { collectionRequestForDepot, type CollectionRequest } from '../../../solvers/routing/collection/index.js';
import { dateOfDay, dayOfDate, localDate, localInstant } from '../../city/local-time.js';
import { binLevelsFor } from './bin-levels.js';
import { etagOf } from './etag.js';
import type { CollectionRoutesAnswer, CollectionRoutesQuery } from './schemas.js';
import { isServiceDay, serviceWindow, shiftMinutes, type ServiceCalendar } from './service-days.js';
import type { PlanRunner } from './plan-runner.js';
import { persistence, type ForecastSource, type LivePlanDeps } from './live-plan-deps.js';
import { VersionLog } from './versioned.js';

export interface CollectionRouteOptions {
  shiftStart: string;
  /** ISO weekdays with collection; the city's holidays are skipped. */
  serviceDays: number[];
  /** Solver budget per plan (wall-clock), and an optional iteration cap that makes plans depend on the seed only. */
  timeLimitMs: number;
  maxIterations?: number;
  seed: number;
  /** A cached plan is recomputed after this much service time when the bin selection is unchanged. */
  maxAgeMs: number;
  /** How far ahead a service date may be requested. */
  maxDaysAhead: number;
  tuning: Pick<CollectionRequest, 'optionalLevel' | 'optionalValueMinutes' | 'detourFactor' | 'speedKmh'>;
}

export const DEFAULT_COLLECTION_OPTIONS: CollectionRouteOptions = {
  shiftStart: '07:00',
  serviceDays: [1, 2, 3, 4, 5, 6],
  timeLimitMs: 5_000,
  seed: 1,
  maxAgeMs: 3_600_000,
  maxDaysAhead: 7,
  tuning: {},
};

/** Routes of past dates are kept this many days, for contractors checking what was planned. */
const KEEP_DAYS = 7;

type RoutesBody = Omit<
  CollectionRoutesAnswer,
  'status' | 'version' | 'etag' | 'computedAtMs' | 'effectiveFromMs' | 'effectiveUntilMs' | 'frozen'
> & { selection: string };

export type CollectionRouteDeps = LivePlanDeps<CollectionRouteOptions>;

export class CollectionRouteService {
  private city: City;
  private readonly forecasts: ForecastSource;
  private readonly runner: PlanRunner;
  private readonly options: CollectionRouteOptions;
  private readonly log: VersionLog<RoutesBody>;
  private readonly inFlight = new Map<string, Promise<CollectionRoutesAnswer>>();

  constructor(deps: CollectionRouteDeps) {
    this.city = deps.city;
    this.forecasts = deps.forecasts;
    this.runner = deps.runner;
    this.options = { ...DEFAULT_COLLECTION_OPTIONS, ...deps.options };
    this.log = new VersionLog(persistence(deps.store, 'collection-routes'), {
      replica: deps.replicas?.('collection-routes'),
    });
  }

  setCity(city: City): void {
    this.city = city;
  }

  /** The calendar the service dates follow. */
  calendar(): ServiceCalendar {
    return {
      timezone: this.city.timezone,
      shiftStart: this.options.shiftStart,
      serviceDays: this.options.serviceDays,
      holidays: this.city.holidays,
    };
  }

  /**
   * Routes for a depot and service date. Before the shift starts, the plan is recomputed when the set of
   * must-collect or optional bins changed, or when it is older than maxAgeMs; once the shift has started the
   * routes are frozen. Concurrent requests for one (depot, date) share one computation.
   */
  routes(query: CollectionRoutesQuery, nowMs: number): Promise<CollectionRoutesAnswer> {
    const key = `${query.depot}|${query.date}`;
    let p = this.inFlight.get(key);
    if (!p) {
      p = this.compute(query, nowMs, key).finally(() => this.inFlight.delete(key));
      this.inFlight.set(key, p);
    }
    return p;
  }

  /**
   * The service dates that may be requested at `nowMs` (today, local to the city, through maxDaysAhead days
   * ahead), each with its shift start and, for `depot`, the version of the plan cached for it (none computed here).
   */
  serviceDates(
    depot: string,
    nowMs: number,
  ): {
    date: string;
    shiftStartMs: number;
    plan: { version: number; etag: string; computedAtMs: number; frozen: boolean } | null;
  }[] {
    const cal = this.calendar();
    const today = dayOfDate(localDate(this.city.timezone, nowMs), 'now');
    const out: ReturnType<CollectionRouteService['serviceDates']> = [];
    for (let day = today; day <= today + this.options.maxDaysAhead; day++) {
      if (!isServiceDay(cal, day)) continue;
      const date = dateOfDay(day);
      const shiftStartMs = localInstant(cal.timezone, day, shiftMinutes(cal));
      const e = this.log.get(`${depot}|${date}`);
      out.push({
        date,
        shiftStartMs,
        plan: e
          ? { version: e.version, etag: e.etag, computedAtMs: e.computedAtMs, frozen: nowMs >= shiftStartMs }
          : null,
      });
    }
    return out;
  }

  /** The routing request a cached answer was planned from, rebuilt from its bin levels (for checking a plan). */
  requestFor(answer: CollectionRoutesAnswer): CollectionRequest {
    const levels = new Map(answer.bins.map((b) => [b.id, { fill: b.fill, forecastFill: b.forecastFill }]));
    return collectionRequestForDepot(
      this.city.waste,
      answer.depot,
      levels,
      this.options.shiftStart,
      this.options.tuning,
    );
  }

  private async compute(query: CollectionRoutesQuery, nowMs: number, key: string): Promise<CollectionRoutesAnswer> {
    if (!this.city.waste.depots.some((d) => d.id === query.depot)) {
      throw notFoundError(
        `depot '${query.depot}' is not in city ${this.city.id}; depots: ${this.city.waste.depots.map((d) => d.id).join(', ') || 'none'}`,
        { depot: query.depot },
      );
    }
    const win = serviceWindow(this.calendar(), query.date);
    const today = dayOfDate(localDate(this.city.timezone, nowMs), 'now');
    this.forgetBefore(today - KEEP_DAYS);
    const cached = this.log.get(key);
    const frozen = nowMs >= win.shiftStartMs;
    if (cached && frozen) return this.answer(cached, true);
    if (win.day < today)
      throw inputError(
        `date ${query.date} is in the past and has no routes kept; routes are planned for today or later`,
        { field: 'date' },
      );
    if (win.day > today + this.options.maxDaysAhead)
      throw inputError(
        `date ${query.date} is more than ${this.options.maxDaysAhead} days ahead: the fill forecasts do not reach it`,
        { field: 'date' },
      );
    const bins = this.city.waste.bins.filter((b) => b.depot === query.depot);
    const { levels, rows, unknown } = binLevelsFor(this.forecasts, bins, win.shiftStartMs, win.nextStartMs, nowMs);
    if (rows.length === 0 && unknown.length > 0) {
      // Routes on no bin would read as "nothing to collect": keep the last plan, or wait for the forecasts.
      if (cached) return this.answer(cached, frozen);
      throw notReadyError(
        `no bin of depot ${query.depot} has a fill forecast yet (${unknown[0].id}: ${unknown[0].reason}); retry later`,
        { depot: query.depot, unknownBins: unknown },
      );
    }
    const selection = etagOf(
      rows.map((r) => [r.id, r.mustCollect, r.fill >= (this.options.tuning.optionalLevel ?? 0.5)]),
    );
    if (cached && cached.body.selection === selection && nowMs - cached.computedAtMs < this.options.maxAgeMs)
      return this.answer(cached, frozen);
    const request = collectionRequestForDepot(
      this.city.waste,
      query.depot,
      levels,
      this.options.shiftStart,
      this.options.tuning,
    );
    const plan = await this.runner.collection({
      request,
      timeLimitMs: this.options.timeLimitMs,
      seed: this.options.seed,
      ...(this.options.maxIterations !== undefined ? { maxIterations: this.options.maxIterations } : {}),
    });
    const routed = new Set(plan.trucks.flatMap((t) => t.stops.filter((s) => s.kind === 'bin').map((s) => s.id)));
    const body: RoutesBody = {
      depot: query.depot,
      date: query.date,
      shiftStartMs: win.shiftStartMs,
      nextServiceDate: win.nextDate,
      nextServiceStartMs: win.nextStartMs,
      bins: rows,
      unknownBins: unknown,
      overflowRisk: plan.mustCollect.filter((id) => !routed.has(id)),
      plan,
      selection,
    };
    const { entry } = this.log.publish(key, body, {
      computedAtMs: nowMs,
      effectiveFromMs: win.shiftStartMs,
      effectiveUntilMs: win.nextStartMs,
    });
    return this.answer(entry, frozen);
  }

  private forgetBefore(day: number): void {
    for (const key of this.log.keys()) {
      const date = key.slice(key.indexOf('|') + 1);
      if (dayOfDate(date, 'date') < day) this.log.delete(key);
    }
  }

  private answer(
    e: {
      version: number;
      etag: string;
      computedAtMs: number;
      effectiveFromMs: number;
      effectiveUntilMs: number;
      body: RoutesBody;
    },
    frozen: boolean,
  ): CollectionRoutesAnswer {
    const { selection: _selection, ...body } = e.body;
    return {
      status: 'ready',
      version: e.version,
      etag: e.etag,
      computedAtMs: e.computedAtMs,
      effectiveFromMs: e.effectiveFromMs,
      effectiveUntilMs: e.effectiveUntilMs,
      frozen,
      ...body,
    };
  }
}
