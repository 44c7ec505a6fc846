// Traffic detectors: per-interval counts from time-of-day flow by approach direction, with occupancy and speed consistent with flow.
import type { City, Direction } from '../city/schema.js';
import type { Channel, SimContext } from './channel.js';
import { DAY_MS } from '../city/local-time.js';
import { hashFloat } from '../random.js';
import { CROSSTOWN, INBOUND, OUTBOUND, trafficTables } from './profiles.js';

/** Peak-hour flow per lane by movement, on major (≥ 50 km/h) and minor streets (veh/h/lane). */
const PEAK_FLOW = { major: { through: 650, left: 180, right: 150 }, minor: { through: 320, left: 100, right: 90 } };
/** Capacity of a signalized lane: saturation flow (1900 veh/h) times a typical green share; speeds fall as flow nears it. */
const SIGNAL_CAPACITY_PER_LANE = 900;
/** Vehicle plus detector length: occupancy = flow x this / speed. */
const EFFECTIVE_LENGTH_M = 6.5;
const INTERVALS_MS = [20_000, 30_000, 60_000];
/** Unit vector (north, east) of the travel direction of traffic arriving from each side. */
const HEADING: Record<Direction, [number, number]> = {
  N: [-1, 0],
  NE: [-Math.SQRT1_2, -Math.SQRT1_2],
  E: [0, -1],
  SE: [Math.SQRT1_2, -Math.SQRT1_2],
  S: [1, 0],
  SW: [Math.SQRT1_2, Math.SQRT1_2],
  W: [0, 1],
  NW: [-Math.SQRT1_2, Math.SQRT1_2],
};

export class TrafficChannel implements Channel {
  readonly kind = 'detector' as const;
  readonly sensors: string[] = [];
  readonly intervalsMs: number[] = [];
  private readonly tables = trafficTables();
  private readonly peakFlow: number[] = [];
  private readonly lanes: number[] = [];
  private readonly directionClass: number[] = [];
  private readonly freeSpeed: number[] = [];

  constructor(
    city: City,
    private readonly ctx: SimContext,
  ) {
    const n = Math.max(1, city.intersections.length);
    const cLat = city.intersections.reduce((s, x) => s + x.location.lat, 0) / n;
    const cLon = city.intersections.reduce((s, x) => s + x.location.lon, 0) / n;
    const lonScale = Math.cos((cLat * Math.PI) / 180);
    for (const x of city.intersections) {
      const north = x.location.lat - cLat;
      const east = (x.location.lon - cLon) * lonScale;
      const dist = Math.hypot(north, east);
      for (const a of x.approaches) {
        const [hn, he] = HEADING[a.direction];
        // Heading towards downtown (against the position vector) is inbound: the morning peak direction.
        const toward = dist > 0 ? -(hn * north + he * east) / dist : 0;
        const cls = toward > 0.3 ? INBOUND : toward < -0.3 ? OUTBOUND : CROSSTOWN;
        const street = a.speedLimitKmh >= 50 ? PEAK_FLOW.major : PEAK_FLOW.minor;
        for (const g of a.laneGroups) {
          const perLane = g.movements.reduce((s, m) => s + street[m], 0);
          for (const d of g.detectors) {
            const k = this.sensors.length;
            this.sensors.push(d);
            this.intervalsMs.push(INTERVALS_MS[Math.floor(hashFloat(ctx.seed ^ 0x7a11, k) * INTERVALS_MS.length)]);
            this.peakFlow.push(perLane * (0.7 + 0.6 * hashFloat(ctx.seed ^ 0x1f10, k)));
            this.lanes.push(g.lanes / g.detectors.length);
            this.directionClass.push(cls);
            this.freeSpeed.push(a.speedLimitKmh * (0.95 + 0.15 * hashFloat(ctx.seed ^ 0x5bed, k)));
          }
        }
      }
    }
  }

  readingsPerReport(): number {
    return 3;
  }

  report(i: number, ts: number, intervalMs: number): void {
    const { rng, out, clock } = this.ctx;
    const local = ts + this.ctx.offsetMs;
    const day = Math.floor(local / DAY_MS);
    const minute = Math.floor((local - day * DAY_MS) / 60_000);
    const share = this.tables[clock.dayType(day) * 3 + this.directionClass[i]][minute];
    const lanes = this.lanes[i];
    const seconds = intervalMs / 1000;
    const count = rng.poisson((this.peakFlow[i] * share * lanes * seconds) / 3600);
    const flowPerLane = (count * 3600) / (lanes * seconds);
    const x = Math.min(1, flowPerLane / SIGNAL_CAPACITY_PER_LANE);
    const vf = this.freeSpeed[i];
    const sensor = this.sensors[i];
    out.emit(sensor, 'detector.count', ts, count, undefined);
    if (count === 0) {
      out.emit(sensor, 'detector.occupancy', ts, 0, undefined);
      // No vehicle passed: the spot speed is unknown; gateways report the free-flow default, flagged.
      out.emit(sensor, 'detector.speed', ts, Math.round(vf * 10) / 10, 'uncertain');
      return;
    }
    const speed = Math.max(3, vf * (1 - 0.6 * x ** 2.5) + 2 * rng.normal());
    const occupancy = Math.min(
      0.98,
      Math.max(0, (flowPerLane / 3600) * (EFFECTIVE_LENGTH_M / (speed / 3.6)) + 0.004 * rng.normal()),
    );
    out.emit(sensor, 'detector.occupancy', ts, Math.round(occupancy * 1000) / 1000, undefined);
    out.emit(sensor, 'detector.speed', ts, Math.round(speed * 10) / 10, undefined);
  }
}
