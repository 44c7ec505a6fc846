// Window results as plain records, for the API, sinks and tests.
import type { SensorCatalog } from '../telemetry/index.js';
import type { WindowResultColumns } from './emit-buffer.js';
import type { OperatorSpec } from './spec.js';

export interface WindowResult {
  operator: string;
  metric: string;
  key: string;
  start: number;
  end: number;
  /** 0 for the result emitted when the watermark passed the window; n for the n-th revision by late readings. */
  revision: number;
  values: Record<string, number | null>;
}

export function resultRows(spec: OperatorSpec, catalog: SensorCatalog, cols: WindowResultColumns): WindowResult[] {
  const keys = catalog.groupings.get(spec.keyBy)!.keys;
  const rows: WindowResult[] = [];
  for (let i = 0; i < cols.key.length; i++) {
    const values: Record<string, number | null> = {};
    spec.aggregates.forEach((a, j) => {
      const v = cols.values[j][i];
      values[a] = Number.isNaN(v) ? null : v;
    });
    rows.push({
      operator: spec.name,
      metric: spec.metric,
      key: keys[cols.key[i]],
      start: cols.start[i],
      end: cols.end[i],
      revision: cols.revision[i],
      values,
    });
  }
  return rows;
}
