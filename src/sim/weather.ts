// Air temperature per weather station as a pure function of time: season, daily cycle, day-to-day anomalies.
import { hashNormal } from '../random.js';
import { DAY_MS } from '../city/local-time.js';

const YEAR_DAYS = 365.2425;

export class TemperatureModel {
  private readonly stationOffset: Float64Array;

  constructor(
    private readonly seed: number,
    stations: number,
  ) {
    this.stationOffset = new Float64Array(stations);
    for (let s = 0; s < stations; s++) this.stationOffset[s] = 0.8 * hashNormal(seed ^ 0x5eed, s + 1);
  }

  /** Regional anomaly of local day `day` (shared by all stations, so feeders see the same hot days). */
  private anomaly(day: number): number {
    return 3.5 * hashNormal(this.seed, day);
  }

  /** Temperature in °C at `ts` for station `station`, given the local time `localMs = ts + offset`. */
  at(station: number, localMs: number): number {
    const days = localMs / DAY_MS;
    const hour = (days - Math.floor(days)) * 24;
    const seasonal = 11 + 13.5 * Math.cos((2 * Math.PI * ((days % YEAR_DAYS) - 200)) / YEAR_DAYS);
    const diurnal = 5 * Math.cos((2 * Math.PI * (hour - 15)) / 24);
    // Anomalies are anchored at local noon and interpolated, so temperature never jumps at midnight.
    const x = days - 0.5;
    const d0 = Math.floor(x);
    const w = x - d0;
    const anomaly = (1 - w) * this.anomaly(d0) + w * this.anomaly(d0 + 1);
    return seasonal + diurnal + anomaly + this.stationOffset[station];
  }
}
