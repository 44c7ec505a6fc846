// The embedded city simulator: schedules every sensor's reports in event time and hands readings out in arrival order.
import type { City } from '../city/schema.js';
import { inputError } from '../errors.js';
import type { Reading } from '../telemetry/index.js';
import type { Channel, SimContext } from './channel.js';
import { Delivery } from './delivery.js';
import { LocalClock } from './local-clock.js';
import { resolveOptions, type ResolvedOptions, type SimulatorOptions } from './options.js';
import { DrResourceChannel, FeederChannel } from './power.js';
import { hashFloat, Rng } from '../random.js';
import { WeatherChannel } from './stations.js';
import { TrafficChannel } from './traffic.js';
import { BinChannel } from './waste.js';
import { TemperatureModel } from './weather.js';

export interface Simulator {
  /** Readings whose arrival time is in [fromMs, toMs), in arrival order; calls must not go back in time. */
  step(fromMs: number, toMs: number): Reading[];
  /** Like `step`, appending to `out` (no array per call); returns the number appended. */
  stepInto(fromMs: number, toMs: number, out: Reading[]): number;
  /** Empties bins at `atMs`, e.g. when a route serves them; throws on an unknown bin id. */
  collect(binIds: readonly string[], atMs: number): void;
  /** Times a bin has been emptied so far. */
  collectionCount(binId: string): number;
  /** Readings per second of event time the sensors send, before disorder. */
  readonly readingsPerSecond: number;
  /** What the disorder did so far. */
  readonly stats: Readonly<Delivery['stats']>;
}

/** Reports of one channel's sensors sharing an interval, ordered by their phase within the interval. */
interface Schedule {
  channel: Channel;
  intervalMs: number;
  phase: Float64Array;
  local: Int32Array;
  global: Int32Array;
  /** Next report: cycle `k`, position `pos` in phase order. */
  k: number;
  pos: number;
}

const MAX_BLOCK_MS = 1000;

function buildSchedules(channels: Channel[], o: ResolvedOptions): Schedule[] {
  const schedules: Schedule[] = [];
  let base = 0;
  for (const channel of channels) {
    const groups = new Map<number, number[]>();
    channel.intervalsMs.forEach((ms, i) => {
      const list = groups.get(ms) ?? [];
      list.push(i);
      groups.set(ms, list);
    });
    for (const [ms, members] of [...groups].sort((a, b) => a[0] - b[0])) {
      const intervalMs = Math.max(1, ms / o.speed);
      const entries = members.map((i) => ({ i, phase: hashFloat(o.seed ^ 0x9a5e, base + i) * intervalMs }));
      entries.sort((a, b) => a.phase - b.phase || a.i - b.i);
      schedules.push({
        channel,
        intervalMs,
        k: 0,
        pos: 0,
        phase: Float64Array.from(entries, (e) => e.phase),
        local: Int32Array.from(entries, (e) => e.i),
        global: Int32Array.from(entries, (e) => base + e.i),
      });
    }
    base += channel.sensors.length;
  }
  return schedules;
}

class CitySimulator implements Simulator {
  private readonly o: ResolvedOptions;
  private readonly ctx: SimContext;
  private readonly bins: BinChannel;
  private readonly schedules: Schedule[];
  private readonly blockMs: number;
  private readonly channels: Channel[];
  private readonly delivery: Delivery;
  private origin = 0;
  /** Every report before this event time has been generated. */
  private generated = 0;
  readonly readingsPerSecond: number;

  constructor(city: City, options: SimulatorOptions) {
    this.o = resolveOptions(options);
    const rng = new Rng(this.o.seed, 2);
    this.delivery = new Delivery(rng, this.o.disorder);
    this.ctx = {
      seed: this.o.seed,
      clock: new LocalClock(city.timezone, city.holidays),
      temperature: new TemperatureModel(this.o.seed, city.weatherStations.length),
      rng,
      out: this.delivery,
      offsetMs: 0,
    };
    this.bins = new BinChannel(city, this.ctx, this.o.collection === 'default');
    const all: Channel[] = [
      new WeatherChannel(city, this.ctx),
      new TrafficChannel(city, this.ctx),
      new FeederChannel(city, this.ctx),
      new DrResourceChannel(city, this.ctx),
      this.bins,
    ];
    this.channels = all.filter((c) => this.o.sensorKinds === null || this.o.sensorKinds.has(c.kind));
    this.schedules = buildSchedules(this.channels, this.o);
    const shortest = Math.min(MAX_BLOCK_MS, ...this.schedules.map((s) => s.intervalMs));
    this.blockMs = Math.max(1, Math.floor(shortest));
    let rate = 0;
    for (const c of this.channels)
      c.intervalsMs.forEach((ms, i) => (rate += (c.readingsPerReport(i) * 1000 * this.o.speed) / ms));
    this.readingsPerSecond = rate;
    if (this.o.startMs !== undefined) this.start(this.o.startMs);
  }

  get stats(): Readonly<Delivery['stats']> {
    return this.delivery.stats;
  }

  private start(startMs: number): void {
    this.delivery.start(
      startMs,
      this.channels.reduce((s, c) => s + c.sensors.length, 0),
      this.blockMs,
    );
    this.origin = startMs;
    this.generated = startMs;
  }

  private generateBlock(): void {
    const from = this.generated;
    const to = from + this.blockMs;
    const out = this.delivery;
    this.ctx.offsetMs = this.ctx.clock.offsetMs(from);
    for (const s of this.schedules) {
      const n = s.phase.length;
      const { channel, intervalMs, phase, local, global } = s;
      let { k, pos } = s;
      let t = this.origin + Math.floor(phase[pos] + k * intervalMs);
      while (t < to) {
        out.beginReport(global[pos], t);
        channel.report(local[pos], t, intervalMs);
        if (++pos === n) {
          pos = 0;
          k++;
        }
        t = this.origin + Math.floor(phase[pos] + k * intervalMs);
      }
      s.k = k;
      s.pos = pos;
    }
    this.generated = to;
  }

  private advance(untilMs: number, out: Reading[] | null): void {
    const delivery = this.delivery;
    while (delivery.cursorMs < untilMs) {
      if (this.generated <= delivery.cursorMs) this.generateBlock();
      delivery.drain(Math.min(untilMs, this.generated), out);
    }
  }

  stepInto(fromMs: number, toMs: number, out: Reading[]): number {
    if (!Number.isFinite(fromMs) || !Number.isFinite(toMs) || toMs < fromMs) {
      throw inputError(`simulator step needs finite fromMs <= toMs (got ${fromMs}, ${toMs})`);
    }
    const delivery = this.delivery;
    if (!delivery.started) this.start(Math.floor(fromMs));
    if (fromMs < delivery.cursorMs) {
      throw inputError(
        `simulator step cannot go back in time: fromMs ${fromMs} is before the simulator's current time ${delivery.cursorMs} (the previous toMs or the start)`,
      );
    }
    const before = out.length;
    this.advance(Math.floor(fromMs), null);
    this.advance(Math.floor(toMs), out);
    return out.length - before;
  }

  step(fromMs: number, toMs: number): Reading[] {
    const out: Reading[] = [];
    this.stepInto(fromMs, toMs, out);
    return out;
  }

  collect(binIds: readonly string[], atMs: number): void {
    if (!Number.isFinite(atMs)) throw inputError(`collect needs a finite time (got ${atMs})`);
    this.bins.collect(binIds, atMs);
  }

  collectionCount(binId: string): number {
    return this.bins.collectionCount(binId);
  }
}

/** A deterministic simulator of `city`: the same city, options and calls give the same readings. */
export function createSimulator(city: City, options: SimulatorOptions): Simulator {
  return new CitySimulator(city, options);
}
