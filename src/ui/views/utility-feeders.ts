// Utility: a feeder's measured load and its forecast with the 80 % and 95 % bands, against the feeder's capacity.
import { get, maybe } from '../api.js';
import { chart, type Series } from '../chart.js';
import { fmt, h } from '../dom.js';
import { pickerView } from '../picker-view.js';
import type { WindowRow } from '../view.js';
// The API's answer type (erased from the bundle): the dashboard reads what GET /v1/forecasts answers.
import type { ForecastAnswer } from '../../app/forecasts/schemas.js';

const HISTORY_MS = 24 * 3_600_000;

/**
 * A prediction interval as two series, the area between them filled: `at` is the index of the upper bound in the
 * chart's series (the lower bound follows it).
 */
function interval(
  percent: number,
  upper: (number | null)[],
  lower: (number | null)[],
  at: number,
  look: { color: string; dash: number[]; fill: string },
): Series[] {
  const { color, dash, fill } = look;
  return [
    { label: `upper ${percent} %`, values: upper, color, dash, bandTo: at + 1, fill },
    { label: `lower ${percent} %`, values: lower, color, dash },
  ];
}

export const utilityFeeders = pickerView(
  { id: 'feeders', title: 'Feeder load', roles: ['utility', 'operator'] },
  {
    heading: 'Feeder load and forecast',
    item: 'feeder',
    async list() {
      const feeders = await get<{ items: { id: string; capacityKW: number }[] }>('/v1/city/feeders');
      return { ids: feeders.items.map((f) => f.id), listing: feeders.items };
    },
    async show(id, body, feeders) {
      const cap = feeders.find((f) => f.id === id)?.capacityKW ?? null;
      const fc = await maybe<ForecastAnswer>(`/v1/forecasts/feeders/${id}?horizon=24h`);
      if (!fc || fc.status === 'not-ready') {
        body.replaceChildren(h('p', {}, `No load forecast for ${id} yet${fc?.reason ? `: ${fc.reason}` : ''}.`));
        return;
      }
      const from = fc.lastObservationMs - HISTORY_MS;
      const hist = await get<{ results: WindowRow[] }>(
        `/v1/windows/feeder-kw-30m?key=${encodeURIComponent(id)}&from=${from}`,
      );
      const past = hist.results.filter((r) => r.start >= from);
      const times = [...past.map((r) => r.start), ...fc.timestamps.filter((t) => t > fc.lastObservationMs)];
      const n = past.length;
      const future = fc.timestamps.map((t, i) => [t, i] as const).filter(([t]) => t > fc.lastObservationMs);
      const pad = (vals: number[]) => [...new Array<null>(n).fill(null), ...future.map(([, i]) => vals[i])];
      body.replaceChildren(
        h(
          'p',
          {},
          `Forecast method ${fc.method} (${fc.status}); last observation ${new Date(fc.lastObservationMs).toISOString().slice(0, 16)}Z; capacity ${fmt(cap, 0)} kW.`,
        ),
        chart({
          title: `Load of ${id}: measured and forecast`,
          unit: 'kW',
          times,
          series: [
            {
              label: 'measured (30-min mean)',
              values: [...past.map((r) => r.values.mean), ...future.map(() => null)],
              color: '#222',
            },
            { label: 'forecast', values: pad(fc.forecast), color: '#1f77b4' },
            ...interval(95, pad(fc.upper95), pad(fc.lower95), 2, {
              color: '#9ecae1',
              dash: [4, 4],
              fill: 'rgba(158,202,225,0.35)',
            }),
            ...interval(80, pad(fc.upper80), pad(fc.lower80), 4, {
              color: '#6baed6',
              dash: [2, 2],
              fill: 'rgba(107,174,214,0.45)',
            }),
            { label: 'capacity', values: times.map(() => cap), color: '#d62728' },
          ],
        }),
      );
      body.setAttribute('data-points', String(times.length));
    },
    // a new 30-minute load window of the feeder shown
    concerns: (event, data, shown) =>
      event === 'results' && (data as WindowRow[]).some((r) => r.operator === 'feeder-kw-30m' && r.key === shown),
  },
);
