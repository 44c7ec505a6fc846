// Weather stations: air temperature readings from the temperature model with sensor noise.
import type { City } from '../city/schema.js';
import type { Channel, SimContext } from './channel.js';

const INTERVAL_MS = 300_000;

export class WeatherChannel implements Channel {
  readonly kind = 'weather' as const;
  readonly sensors: string[];
  readonly intervalsMs: number[];

  constructor(
    city: City,
    private readonly ctx: SimContext,
  ) {
    this.sensors = city.weatherStations.map((s) => s.sensor);
    this.intervalsMs = this.sensors.map(() => INTERVAL_MS);
  }

  readingsPerReport(): number {
    return 1;
  }

  report(i: number, ts: number): void {
    const t = this.ctx.temperature.at(i, ts + this.ctx.offsetMs) + 0.2 * this.ctx.rng.normal();
    this.ctx.out.emit(this.sensors[i], 'weather.temp_c', ts, Math.round(t * 10) / 10, undefined);
  }
}
