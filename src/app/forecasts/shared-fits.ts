// The fit state of a series as the processes of a group share it: one document per series (model and last fit error), the newest fit standing everywhere.
import { createHash } from 'node:crypto';
import type { ModelRecord } from './online.js';
import { isModelRecordOf, type SeriesState } from './persistence.js';
import type { SeriesKind } from './series-kinds.js';

export interface SharedFit {
  /** Service time of the fit (or of the failed fit) this state comes from: the newest stands. */
  at: number;
  record: ModelRecord | null;
  lastError: { atMs: number; message: string } | null;
}

/** The replica key of a series. */
export function sharedFitKey(kind: SeriesKind, id: string): string {
  return `${kind}|${id}`;
}

export function parseSharedFitKey(key: string): { kind: string; id: string } {
  const at = key.indexOf('|');
  return { kind: key.slice(0, at), id: key.slice(at + 1) };
}

/** When the series' own fit state was made: its model's fit or its last failed fit, whichever is later. */
export function fitStateAt(s: Pick<SeriesState, 'record' | 'lastError'>): number {
  return Math.max(s.record?.fittedAtMs ?? -Infinity, s.lastError?.atMs ?? -Infinity);
}

export function encodeSharedFit(s: Pick<SeriesState, 'record' | 'lastError'>): string {
  const fit: SharedFit = { at: fitStateAt(s), record: s.record ?? null, lastError: s.lastError ?? null };
  return JSON.stringify(fit);
}

/**
 * A shared document read back, with a tag that orders two fits of the same time (two leaders at once). Every
 * process, the one that fitted included, uses the model as decoded here, so they forecast from identical numbers
 * (JSON has no NaN or -0: the fitting process's own copy could differ from what the others read).
 */
export function decodeSharedFit(kind: SeriesKind, doc: string): SharedFit & { tag: string } {
  const fit = JSON.parse(doc) as Partial<SharedFit>;
  if (typeof fit !== 'object' || fit === null || typeof fit.at !== 'number')
    throw new Error(`a shared ${kind} fit has no fit time`);
  if (fit.record !== null && !isModelRecordOf(kind, fit.record))
    throw new Error(`a shared ${kind} fit holds no current ${kind} model`);
  const e = fit.lastError;
  if (e !== null && (typeof e !== 'object' || typeof e?.atMs !== 'number' || typeof e.message !== 'string'))
    throw new Error(`a shared ${kind} fit has a malformed fit error`);
  return {
    at: fit.at,
    record: fit.record ?? null,
    lastError: e ?? null,
    tag: createHash('sha256').update(doc).digest('base64url').slice(0, 16),
  };
}

/**
 * Whether a shared fit replaces the series' state: a later fit than the shared one it holds (ties by tag), so
 * every process ends with the same fit in any order. A series holding only its own state (restored from its
 * state file, or fitted while not sharing) keeps it when it is later: it is shared once the process caught up.
 */
export function supersedes(fit: { at: number; tag: string }, s: SeriesState): boolean {
  if (s.shared) return fit.at > s.shared.at || (fit.at === s.shared.at && fit.tag > s.shared.tag);
  return fit.at >= fitStateAt(s);
}
