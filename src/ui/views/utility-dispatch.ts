// Utility: dispatch plans as stacked reductions by DR resource against the target, their OpenADR events, and a request form.
import { ApiError, get, send } from '../api.js';
import { chart, PALETTE, stack } from '../chart.js';
import { field, fmt, h, select, table } from '../dom.js';
import type { View } from '../view.js';

interface Stored {
  id: string;
  status: string;
  createdAt: string;
  plan?: {
    status: string;
    intervals: { start: string; end: string }[];
    deliveredKW: number[];
    shortfallKW: number[];
    cost: { total: number };
    resources: { id: string; kind: string; netReductionKW: number[]; calls: number }[];
  };
  error?: { message: string };
}

/** Targets of plans requested from this page, by plan id (the stored plan does not repeat its request). */
const targets = new Map<string, number[]>();

function planView(p: Stored, events: { eventName?: string; intervals?: unknown[]; targets?: unknown }[]): HTMLElement {
  if (!p.plan) return h('p', {}, `Plan ${p.id}: ${p.status}${p.error ? ` (${p.error.message})` : ''}`);
  const plan = p.plan;
  // Interval starts and the last end: each value holds over its interval.
  const times = [
    ...plan.intervals.map((i) => Date.parse(i.start)),
    Date.parse(plan.intervals[plan.intervals.length - 1].end),
  ];
  const hold = (v: number[]) => [...v, v[v.length - 1]];
  const active = plan.resources.filter((r) => r.netReductionKW.some((v) => Math.abs(v) > 1e-6));
  const stacked = stack(active.map((r) => hold(r.netReductionKW)));
  // Delivered plus unmet is the target wherever the plan falls short or meets it exactly.
  const target = hold(targets.get(p.id) ?? plan.deliveredKW.map((d, i) => d + plan.shortfallKW[i]));
  // A stacked area: each running sum is filled down to the one below it, the first down to zero.
  const series = active.map((r, i) => ({
    label: r.id,
    values: stacked[i],
    color: PALETTE[i % PALETTE.length],
    fill: `${PALETTE[i % PALETTE.length]}55`,
    ...(i > 0 ? { bandTo: i - 1 } : {}),
  }));
  return h(
    'section',
    { 'data-plan': p.id },
    h('h2', {}, `Plan ${p.id} (${plan.status}, cost ${fmt(plan.cost.total, 2)})`),
    chart({
      title: 'Load reduction by DR resource (stacked) against the target',
      unit: 'kW',
      times,
      stepped: true,
      series: [...series, { label: 'target', values: target, color: '#000', dash: [6, 3] }],
    }),
    table(
      'Resources called',
      ['resource', 'kind', 'calls', 'reduction per interval (kW)'],
      active.map((r) => [r.id, r.kind, String(r.calls), r.netReductionKW.map((v) => fmt(v)).join(' · ')]),
      { class: 'dispatch-resources' },
    ),
    table(
      'OpenADR 3 events',
      ['event', 'intervals'],
      events.map((e) => [e.eventName ?? '–', String(e.intervals?.length ?? 0)]),
      { class: 'events', 'data-count': events.length },
    ),
  );
}

export const utilityDispatch: View = {
  id: 'dispatch',
  title: 'Dispatch',
  roles: ['utility', 'operator'],
  async render(_who, root) {
    const [list, feeders] = await Promise.all([
      get<{ items: { id: string; status: string; createdAt: string }[] }>('/v1/dispatch/plans?limit=20'),
      get<{ items: { id: string }[] }>('/v1/city/feeders'),
    ]);
    const detail = h('div', { id: 'dispatch-plan' });
    const open = async (id: string) => {
      const p = await get<Stored>(`/v1/dispatch/plans/${id}`);
      const events =
        p.status === 'done'
          ? await get<{ events: { eventName?: string; intervals?: unknown[] }[] } | { eventName?: string }[]>(
              `/v1/dispatch/plans/${id}/events`,
            )
          : [];
      detail.replaceChildren(planView(p, Array.isArray(events) ? events : events.events));
      detail.setAttribute('data-state', 'ready');
    };
    const start = new Date(Date.now() + 3_600_000);
    start.setUTCMinutes(0, 0, 0);
    const form = h(
      'form',
      { id: 'dispatch-form', 'aria-label': 'Request a dispatch plan' },
      h('h2', {}, 'Request a plan'),
      field(
        'Event start (UTC) ',
        h('input', { name: 'start', type: 'datetime-local', required: true, value: start.toISOString().slice(0, 16) }),
      ),
      field(
        'Interval (minutes) ',
        h('input', { name: 'interval', type: 'number', min: 5, max: 60, value: 30, required: true }),
      ),
      field(
        'Reduction target per interval (kW, comma-separated) ',
        h('input', {
          name: 'targets',
          required: true,
          value: '200, 300, 300, 200',
          pattern: '\\s*\\d+(\\.\\d+)?(\\s*,\\s*\\d+(\\.\\d+)?)*\\s*',
        }),
      ),
      field(
        'DR resources of feeder ',
        select(
          { name: 'feeder' },
          feeders.items.map((f) => f.id),
        ),
      ),
      h('button', { type: 'submit' }, 'Request plan'),
      h('p', { id: 'dispatch-message', role: 'status' }),
    );
    form.addEventListener('submit', (e) => {
      e.preventDefault();
      const f = new FormData(form);
      const targetKW = String(f.get('targets'))
        .split(',')
        .map((v) => Number(v.trim()));
      const body = {
        event: {
          start: `${String(f.get('start'))}:00Z`,
          intervalMinutes: Number(f.get('interval')),
          count: targetKW.length,
        },
        targetKW,
        resources: [{ feeder: String(f.get('feeder')) }],
      };
      const message = form.querySelector('#dispatch-message')!;
      message.textContent = 'Solving…';
      send<Stored>('POST', '/v1/dispatch/plans?wait=30', body)
        .then(async (p) => {
          targets.set(p.id, targetKW);
          message.textContent = `Plan ${p.id}: ${p.status}`;
          root
            .querySelector('#plans tbody')
            ?.prepend(
              h(
                'tr',
                {},
                h('td', {}, h('button', { type: 'button', 'data-open': p.id, onclick: () => void open(p.id) }, p.id)),
                h('td', {}, p.status),
                h('td', {}, p.createdAt),
              ),
            );
          if (p.status === 'done') await open(p.id);
        })
        .catch((err: unknown) => {
          message.textContent = err instanceof ApiError ? `Refused: ${err.detail}` : String(err);
        });
    });
    const rows = list.items.map((p) => [
      h('button', { type: 'button', 'data-open': p.id, onclick: () => void open(p.id) }, p.id),
      p.status,
      p.createdAt,
    ]);
    root.append(
      h('h1', {}, 'Demand-response dispatch'),
      table('Your dispatch plans, newest first', ['plan', 'status', 'requested'], rows, { id: 'plans' }),
      detail,
      form,
    );
    const first = list.items.find((p) => p.status === 'done');
    if (first) await open(first.id);
  },
};
