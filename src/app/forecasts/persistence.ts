// The forecast service's state in the state store: each series' history in day chunks and its fitted model.
import type { StateStore } from '../state-store.js';
import { SeriesHistory } from './history.js';
import { isCurrentModel } from './fit-task.js';
import type { ModelRecord } from './online.js';
import type { ResolvedKind, SeriesKind } from './series-kinds.js';

export interface SeriesState {
  history: SeriesHistory;
  record?: ModelRecord;
  inFlight: boolean;
  modelDirty: boolean;
  /**
   * `JSON.stringify(record)` when the refit worker wrote the model's JSON: saved as it is, so a refit batch's save
   * does not stringify 32 models on the event loop. Undefined when the record came from elsewhere.
   */
  recordJson?: string;
  lastError?: { atMs: number; message: string };
  /** Kafka mode: the shared fit this state holds (its time and tag), or undefined when it holds only its own. */
  shared?: { at: number; tag: string };
}

export interface KindState {
  kind: ResolvedKind;
  required: number;
  /** Series of the current city. */
  known: Set<string>;
  series: Map<string, SeriesState>;
}

const MODEL_KIND: Record<SeriesKind, string> = { feeder: 'feeder-load', bin: 'bin-fill', laneGroup: 'traffic-flow' };

/** Whether a parsed record (saved here or shared by another process) is a current model of the kind, with what it was fitted on. */
export function isModelRecordOf(kind: SeriesKind, rec: unknown): rec is ModelRecord {
  const r = rec as Partial<ModelRecord> | null | undefined;
  return (
    typeof r === 'object' &&
    r !== null &&
    r.model?.kind === MODEL_KIND[kind] &&
    isCurrentModel(r.model) &&
    typeof r.fittedAtMs === 'number' &&
    typeof r.data === 'object' &&
    r.data !== null
  );
}

/**
 * `JSON.stringify(record)` from the JSON of its model (`modelJson`, written in the refit worker): the record's
 * other fields are a few numbers, so the event loop writes them and copies the model's text.
 */
export function modelRecordJson(record: ModelRecord, modelJson: string): string {
  const { data, fittedAtMs, fitMs, threadId } = record;
  return `{"model":${modelJson},"data":${JSON.stringify(data)},"fittedAtMs":${JSON.stringify(fittedAtMs)},"fitMs":${JSON.stringify(fitMs)},"threadId":${JSON.stringify(threadId)}}`;
}

/** Writes the history chunks changed since the last save (unless `modelsOnly`) and the models fitted since, in one transaction. */
export function saveState(store: StateStore, kinds: Iterable<KindState>, modelsOnly: boolean): void {
  store.transaction(() => {
    for (const ks of kinds) {
      const kind = ks.kind.kind;
      const c = ks.kind.season;
      for (const [id, s] of ks.series) {
        const h = s.history;
        if (!modelsOnly && h.dirtyFrom !== Infinity && !h.empty) {
          const from = Math.floor(Math.max(h.dirtyFrom, h.firstIdx) / c);
          const to = Math.floor(h.lastIdx / c);
          store.saveChunks(kind, id, from, c, h.slice(from * c, (to + 1) * c - 1), Math.floor(h.firstIdx / c));
          h.markPersisted();
        }
        if (s.modelDirty && s.record) {
          store.models.save(kind, id, s.recordJson ?? JSON.stringify(s.record));
          s.modelDirty = false;
          s.recordJson = undefined;
        }
      }
    }
  });
}

/**
 * Loads saved histories and models of the city's series into `kinds`. Series no longer in the city, models
 * that do not parse or are of another kind, and a kind saved on another step grid are dropped and counted.
 */
export function restoreState(
  store: StateStore,
  kinds: Iterable<KindState>,
): { series: number; models: number; discarded: number } {
  const out = { series: 0, models: 0, discarded: 0 };
  for (const ks of kinds) {
    const k = ks.kind;
    const gridKey = `grid:${k.kind}`;
    const grid = `${k.stepMs}/${k.phaseMs}/${k.season}`;
    const saved = store.meta(gridKey);
    if (saved !== undefined && saved !== grid) {
      // Step indices of another window size mean nothing on this grid.
      store.deleteKind(k.kind);
      out.discarded++;
    }
    store.setMeta(gridKey, grid);
    for (const row of store.series(k.kind, k.season)) {
      if (!ks.known.has(row.id)) {
        store.deleteSeries(k.kind, row.id);
        out.discarded++;
        continue;
      }
      ks.series.set(row.id, {
        history: SeriesHistory.restore(k.historySteps, k.maxGapSteps, { startIdx: row.startIdx, values: row.values }),
        inFlight: false,
        modelDirty: false,
      });
      out.series++;
    }
    for (const { key: id, body: record } of store.models.list(k.kind)) {
      const s = ks.series.get(id);
      let rec: unknown;
      try {
        rec = JSON.parse(record);
      } catch {
        rec = undefined;
      }
      if (!s || !isModelRecordOf(k.kind, rec)) {
        out.discarded++;
        continue;
      }
      s.record = rec;
      out.models++;
    }
  }
  return out;
}
