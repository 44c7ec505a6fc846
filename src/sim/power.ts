// Electricity: feeder head load from daily shapes and temperature, and the telemetry of each DR resource.
import type { City, DrResource } from '../city/schema.js';
import type { Channel, SimContext } from './channel.js';
import { DAY_MS } from '../city/local-time.js';
import { hashFloat } from '../random.js';
import { evTable, loadTables, occupancyTables } from './profiles.js';

const INTERVAL_MS = 60_000;

/** Share of a feeder's capacity its weather-free peak reaches. */
const BASE_SHARE = 0.55;

/** Load multiplier from temperature: cooling above 20 °C, electric heating below 12 °C. */
export function temperatureFactor(tempC: number): number {
  return 1 + 0.03 * Math.max(0, tempC - 20) + 0.012 * Math.max(0, 12 - tempC);
}

function localParts(ctx: SimContext, ts: number): { day: number; minute: number; local: number } {
  const local = ts + ctx.offsetMs;
  const day = Math.floor(local / DAY_MS);
  return { day, minute: Math.floor((local - day * DAY_MS) / 60_000), local };
}

function stationIndex(city: City, id: string | undefined): number {
  return Math.max(0, id === undefined ? 0 : city.weatherStations.findIndex((s) => s.id === id));
}

export class FeederChannel implements Channel {
  readonly kind = 'feeder-meter' as const;
  readonly sensors: string[];
  readonly intervalsMs: number[];
  private readonly tables = loadTables();
  private readonly capacity: number[];
  private readonly commercial: number[];
  private readonly station: number[];

  constructor(
    city: City,
    private readonly ctx: SimContext,
  ) {
    this.sensors = city.feeders.map((f) => f.meterSensor);
    this.intervalsMs = this.sensors.map(() => INTERVAL_MS);
    this.capacity = city.feeders.map((f) => f.capacityKW);
    this.commercial = city.feeders.map((_, k) => 0.2 + 0.6 * hashFloat(ctx.seed ^ 0xfeed, k));
    this.station = city.feeders.map((f) => stationIndex(city, f.weatherStation));
  }

  readingsPerReport(): number {
    return 1;
  }

  report(i: number, ts: number): void {
    const { day, minute, local } = localParts(this.ctx, ts);
    const t = this.ctx.clock.dayType(day) * 2;
    const c = this.commercial[i];
    const shape = (1 - c) * this.tables[t][minute] + c * this.tables[t + 1][minute];
    const temp = this.ctx.temperature.at(this.station[i], local);
    const kw = BASE_SHARE * this.capacity[i] * shape * temperatureFactor(temp) * (1 + 0.015 * this.ctx.rng.normal());
    this.ctx.out.emit(this.sensors[i], 'feeder.kw', ts, Math.round(kw * 10) / 10, undefined);
  }
}

export class DrResourceChannel implements Channel {
  readonly kind = 'dr-resource' as const;
  readonly sensors: string[] = [];
  readonly intervalsMs: number[] = [];
  private readonly resources: DrResource[] = [];
  private readonly station: number[] = [];
  private readonly occupancy = occupancyTables();
  private readonly ev = evTable();

  constructor(
    city: City,
    private readonly ctx: SimContext,
  ) {
    for (const f of city.feeders) {
      for (const r of f.resources) {
        this.sensors.push(r.sensor);
        this.intervalsMs.push(INTERVAL_MS);
        this.resources.push(r);
        this.station.push(stationIndex(city, f.weatherStation));
      }
    }
  }

  readingsPerReport(i: number): number {
    return this.resources[i].type === 'battery' ? 2 : 1;
  }

  report(i: number, ts: number): void {
    const { rng, out } = this.ctx;
    const r = this.resources[i];
    const { day, minute, local } = localParts(this.ctx, ts);
    const hour = minute / 60;
    const sensor = this.sensors[i];
    let kw: number;
    switch (r.type) {
      case 'battery': {
        // Daily arbitrage: charge overnight (0-5 h), discharge into the evening peak (17-20 h).
        const lo = (r.socMin ?? 0) + 0.05;
        const hi = (r.socMax ?? 1) - 0.05;
        const eff = Math.sqrt(r.roundTripEfficiency);
        let soc = lo;
        kw = 0;
        if (hour < 5) {
          soc = lo + ((hi - lo) * hour) / 5;
          kw = Math.min(r.powerKW, ((hi - lo) * r.energyKWh) / 5 / eff);
        } else if (hour < 17) soc = hi;
        else if (hour < 20) {
          soc = hi - ((hi - lo) * (hour - 17)) / 3;
          kw = -Math.min(r.powerKW, (((hi - lo) * r.energyKWh) / 3) * eff);
        }
        kw += 0.002 * r.powerKW * rng.normal();
        out.emit(sensor, 'battery.soc', ts, Math.round(Math.min(1, Math.max(0, soc)) * 1000) / 1000, undefined);
        break;
      }
      case 'hvac': {
        const temp = this.ctx.temperature.at(this.station[i], local);
        const occ = this.occupancy[this.ctx.clock.dayType(day)][minute];
        kw = r.shedKW * (0.9 + 0.12 * Math.max(0, temp - 18)) * occ * (1 + 0.03 * rng.normal());
        break;
      }
      case 'ev':
        kw = Math.min(r.maxChargeKW, r.maxChargeKW * this.ev[minute] * (1 + 0.05 * rng.normal()));
        break;
      case 'industrial': {
        const working = this.ctx.clock.dayType(day) === 0 && hour >= 7 && hour < 19;
        kw = Math.min(r.maxKW, (working ? 0.85 * r.maxKW : Math.max(r.minKW * 1.1, 1)) * (1 + 0.03 * rng.normal()));
        break;
      }
    }
    out.emit(sensor, 'dr.kw', ts, Math.round(Math.max(r.type === 'battery' ? -1e5 : 0, kw) * 10) / 10, undefined);
  }
}
