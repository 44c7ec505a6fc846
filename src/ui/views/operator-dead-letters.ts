// Operator: recent dead letters with their reason, detail and source.
import { get } from '../api.js';
import { h, table } from '../dom.js';
import type { View } from '../view.js';

interface Letter {
  reason: string;
  detail: string;
  source: string;
  count?: number;
}

export const operatorDeadLetters: View = {
  id: 'dead-letters',
  title: 'Dead letters',
  roles: ['operator'],
  async render(_who, root) {
    const d = await get<{ total: number; byReason: Record<string, { count: number; samples: Letter[] }> }>(
      '/v1/dead-letters',
    );
    const rows = Object.entries(d.byReason).flatMap(([reason, r]) =>
      r.samples.map((l) => [reason, l.detail, l.source, String(l.count ?? 1)]),
    );
    root.append(
      h('h1', {}, 'Dead letters'),
      h(
        'p',
        {},
        `${d.total} records refused in all; recent samples of each reason below (counts by reason in Pipeline health).`,
      ),
      table('Recent dead letters', ['reason', 'detail', 'source', 'records'], rows, { id: 'dead-letters' }),
    );
  },
};
