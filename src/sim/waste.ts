// Waste bins: fill levels rising at per-bin rates with noise and weekday effects, emptied by a service schedule or by `collect`.
import type { City } from '../city/schema.js';
import { inputError } from '../errors.js';
import type { Channel, SimContext } from './channel.js';
import { DAY_MS, isoWeekday } from '../city/local-time.js';
import { hashFloat } from '../random.js';
import { binFillTable } from './profiles.js';

const INTERVAL_MS = 900_000;
/** Overflowing bins stop rising here: the lid is open and the rest lands beside the bin. */
const MAX_FILL = 1.15;
/** The default policy empties a bin on its service day only when it is at least this full. */
const SERVICE_MIN_FILL = 0.5;

export class BinChannel implements Channel {
  readonly kind = 'bin' as const;
  readonly sensors: string[];
  readonly intervalsMs: number[];
  private readonly byId: Map<string, number>;
  private readonly fillTable = binFillTable();
  /** Fill per hour at the daily mean rate. */
  private readonly rate: Float64Array;
  private readonly offdayFactor: Float64Array;
  private readonly serviceMinute: Int32Array;
  private readonly fill: Float64Array;
  private readonly lastTs: Float64Array;
  private readonly lastServiceDay: Float64Array;
  private readonly collectAt: Float64Array;
  private readonly collections: number[];

  constructor(
    city: City,
    private readonly ctx: SimContext,
    private readonly defaultCollection: boolean,
  ) {
    const bins = city.waste.bins;
    const n = bins.length;
    this.sensors = bins.map((b) => b.sensor);
    this.intervalsMs = bins.map(() => INTERVAL_MS);
    this.byId = new Map(bins.map((b, i) => [b.id, i]));
    this.rate = new Float64Array(n);
    this.offdayFactor = new Float64Array(n);
    this.serviceMinute = new Int32Array(n);
    this.fill = new Float64Array(n);
    this.lastTs = new Float64Array(n).fill(NaN);
    this.lastServiceDay = new Float64Array(n).fill(NaN);
    this.collectAt = new Float64Array(n).fill(NaN);
    this.collections = new Array<number>(n).fill(0);
    bins.forEach((b, i) => {
      const daysToFull = 2 + 5 * hashFloat(ctx.seed ^ 0xb1, i);
      this.rate[i] = 1 / (24 * daysToFull);
      // Bins with a delivery window serve businesses, which throw out less on weekends; homes throw out more.
      this.offdayFactor[i] = b.timeWindow ? 0.6 : 1.25;
      this.serviceMinute[i] = 420 + Math.floor(420 * hashFloat(ctx.seed ^ 0xb2, i));
      this.fill[i] = 0.6 * hashFloat(ctx.seed ^ 0xb3, i);
    });
  }

  readingsPerReport(): number {
    return 1;
  }

  /** Empties the named bins at `atMs` (applied at each bin's next report; a time already passed counts as its last report). */
  collect(binIds: readonly string[], atMs: number): void {
    const idx = binIds.map((id) => {
      const i = this.byId.get(id);
      if (i === undefined) throw inputError(`unknown bin "${id}"`, { bin: id });
      return i;
    });
    for (const i of idx) this.collectAt[i] = atMs;
  }

  /** How many times each bin was emptied so far (by schedule or by `collect`). */
  collectionCount(binId: string): number {
    const i = this.byId.get(binId);
    return i === undefined ? 0 : this.collections[i];
  }

  private empty(i: number): number {
    this.collections[i]++;
    return 0.02 * this.ctx.rng.float();
  }

  report(i: number, ts: number): void {
    const { rng, clock } = this.ctx;
    const local = ts + this.ctx.offsetMs;
    const day = Math.floor(local / DAY_MS);
    const minute = Math.floor((local - day * DAY_MS) / 60_000);
    const last = Number.isNaN(this.lastTs[i]) ? ts : this.lastTs[i];
    const dayFactor = clock.dayType(day) === 0 ? 1 : this.offdayFactor[i];
    const added =
      ((this.rate[i] * (ts - last)) / 3_600_000) *
      dayFactor *
      this.fillTable[minute] *
      Math.max(0, 1 + 0.3 * rng.normal());
    let fill = this.fill[i];
    const at = this.collectAt[i];
    if (at <= ts) {
      // Only the waste thrown out after the truck came stays in the bin.
      const after = at > last ? (ts - at) / (ts - last) : 1;
      fill = this.empty(i) + added * after;
      this.collectAt[i] = NaN;
    } else {
      fill += added;
    }
    if (this.defaultCollection && !(day <= this.lastServiceDay[i]) && minute >= this.serviceMinute[i]) {
      this.lastServiceDay[i] = day;
      const weekday = isoWeekday(day);
      if (weekday <= 6 && !clock.isHoliday(day) && fill >= SERVICE_MIN_FILL) fill = this.empty(i);
    }
    fill = Math.min(MAX_FILL, fill);
    this.fill[i] = fill;
    this.lastTs[i] = ts;
    const measured = Math.min(1.2, Math.max(0, fill + 0.015 * rng.normal()));
    this.ctx.out.emit(this.sensors[i], 'bin.fill', ts, Math.round(measured * 1000) / 1000, undefined);
  }
}
