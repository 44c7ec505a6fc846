// The series the live layer forecasts: which window results feed each kind, its units, history bound and fit settings.
import type { City } from '../../city/index.js';
import type { OperatorSpec } from '../../stream/index.js';
import { intersectionKey } from '../catalog.js';

export type SeriesKind = 'feeder' | 'bin' | 'laneGroup';
export const SERIES_KINDS: readonly SeriesKind[] = ['feeder', 'bin', 'laneGroup'];

const MIN = 60_000;
const HOUR = 60 * MIN;
const DAY = 24 * HOUR;

export interface KindSettings {
  /** Stream operator whose results feed the kind, and the aggregate read from them. */
  operator: string;
  aggregate: string;
  /** Grouping the operator must key by. */
  keyBy: string;
  /** Unit of the forecast values. */
  unit: string;
  /** Factor from the aggregate to the forecast unit (bin fill fraction to percent). */
  scale: number;
  /** History kept per series. */
  historyMs: number;
  /** Horizon whose intervals a fit calibrates once history allows it, and the shortest one worth fitting for. */
  maxHorizonMs: number;
  minHorizonMs: number;
  /** Furthest a query may look ahead of the last observation. */
  maxLookaheadMs: number;
  /** Interior gaps are interpolated (loads, counts) or carried forward (levels, so a collection stays a drop). */
  gapFill: 'interpolate' | 'carry-forward';
  /** Gaps longer than this break a series: fits use only the data after the last one. */
  maxGapMs: number;
  refitEveryMs: number;
  /** Answers are flagged stale after this long without an observation, and refused after maxStaleMs. */
  staleAfterMs: number;
  maxStaleMs: number;
}

export const DEFAULT_KIND_SETTINGS: Readonly<Record<SeriesKind, KindSettings>> = {
  feeder: {
    operator: 'feeder-kw-30m',
    aggregate: 'mean',
    keyBy: 'feeder',
    unit: 'kW',
    scale: 1,
    historyMs: 12 * 7 * DAY,
    maxHorizonMs: 2 * DAY,
    minHorizonMs: 6 * HOUR,
    maxLookaheadMs: 7 * DAY,
    gapFill: 'interpolate',
    maxGapMs: DAY,
    refitEveryMs: DAY,
    staleAfterMs: 2 * HOUR,
    maxStaleMs: 2 * DAY,
  },
  bin: {
    operator: 'bin-fill-latest',
    aggregate: 'last',
    keyBy: 'bin',
    unit: '%',
    scale: 100,
    historyMs: 28 * DAY,
    maxHorizonMs: 3 * DAY,
    minHorizonMs: 12 * HOUR,
    maxLookaheadMs: 14 * DAY,
    gapFill: 'carry-forward',
    maxGapMs: 2 * DAY,
    refitEveryMs: DAY,
    staleAfterMs: 3 * HOUR,
    maxStaleMs: 2 * DAY,
  },
  laneGroup: {
    operator: 'lane-group-flow-5m',
    aggregate: 'sum',
    keyBy: 'laneGroup',
    unit: 'veh',
    scale: 1,
    historyMs: 21 * DAY,
    maxHorizonMs: 2 * HOUR,
    minHorizonMs: HOUR,
    maxLookaheadMs: DAY,
    gapFill: 'interpolate',
    maxGapMs: DAY,
    refitEveryMs: DAY,
    staleAfterMs: 30 * MIN,
    maxStaleMs: DAY,
  },
};

/** A kind bound to the running operators: its step comes from the operator's tumbling window. */
export interface ResolvedKind extends KindSettings {
  kind: SeriesKind;
  stepMs: number;
  /** Window offset: step k starts at k × stepMs + phaseMs. */
  phaseMs: number;
  /** Steps per day (the season of every kind). */
  season: number;
  historySteps: number;
  maxHorizonSteps: number;
  minHorizonSteps: number;
  maxLookaheadSteps: number;
  maxGapSteps: number;
}

/** A kind the running operators cannot feed, and why. */
export interface DisabledKind {
  kind: SeriesKind;
  reason: string;
}

export function resolveKinds(
  operators: readonly OperatorSpec[],
  overrides: Partial<Record<SeriesKind, Partial<KindSettings>>> = {},
): { kinds: ResolvedKind[]; disabled: DisabledKind[] } {
  const kinds: ResolvedKind[] = [];
  const disabled: DisabledKind[] = [];
  for (const kind of SERIES_KINDS) {
    const s: KindSettings = { ...DEFAULT_KIND_SETTINGS[kind], ...overrides[kind] };
    const op = operators.find((o) => o.name === s.operator);
    const problem = !op
      ? `operator '${s.operator}' is not running`
      : op.window.type !== 'tumbling'
        ? `operator '${s.operator}' has a ${op.window.type} window; forecasts need a tumbling one`
        : op.keyBy !== s.keyBy
          ? `operator '${s.operator}' keys by ${op.keyBy}, not ${s.keyBy}`
          : !op.aggregates.includes(s.aggregate as never)
            ? `operator '${s.operator}' does not compute '${s.aggregate}'`
            : DAY % op.window.sizeMs !== 0
              ? `operator '${s.operator}' window of ${op.window.sizeMs} ms does not divide a day`
              : null;
    if (problem || !op || op.window.type !== 'tumbling') {
      disabled.push({ kind, reason: problem ?? 'unusable operator' });
      continue;
    }
    const stepMs = op.window.sizeMs;
    const steps = (ms: number): number => Math.max(1, Math.round(ms / stepMs));
    kinds.push({
      ...s,
      kind,
      stepMs,
      phaseMs: (op.window.offsetMs ?? 0) % stepMs,
      season: DAY / stepMs,
      historySteps: steps(s.historyMs),
      maxHorizonSteps: steps(s.maxHorizonMs),
      minHorizonSteps: steps(s.minHorizonMs),
      maxLookaheadSteps: steps(s.maxLookaheadMs),
      maxGapSteps: steps(s.maxGapMs),
    });
  }
  return { kinds, disabled };
}

/** The series ids of a kind in a city: feeder ids, bin ids, and `intersection/laneGroup` for lane groups. */
export function seriesIdsOfCity(city: City, kind: SeriesKind): string[] {
  switch (kind) {
    case 'feeder':
      return city.feeders.map((f) => f.id);
    case 'bin':
      return city.waste.bins.map((b) => b.id);
    case 'laneGroup':
      return city.intersections.flatMap((x) =>
        x.approaches.flatMap((a) => a.laneGroups.map((g) => intersectionKey(x.id, g.id))),
      );
  }
}
