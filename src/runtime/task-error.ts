// The one error shape that crosses a thread boundary (structured clone keeps only an Error's message), and back.
import { isUrbanflowError, UrbanflowError, type ErrorCode } from '../errors.js';

export interface TaskError {
  code: ErrorCode;
  message: string;
  details: Record<string, unknown>;
}

/** A typed error keeps its code and details; anything else is a solver bug, reported as UF_ERR_INTERNAL. */
export function toTaskError(err: unknown): TaskError {
  if (isUrbanflowError(err)) return { code: err.code, message: err.message, details: err.details };
  const e = err as Error | undefined;
  return { code: 'UF_ERR_INTERNAL', message: `solver failed: ${e?.message ?? String(err)}`, details: {} };
}

/** The same typed error class, with its code, on this side of the boundary. */
export function fromTaskError(e: TaskError): UrbanflowError {
  return new UrbanflowError(e.code, e.message, e.details);
}
