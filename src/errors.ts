// Typed errors: every error the engine reports to a user carries a stable code and an actionable message.

export type ErrorCode =
  | 'UF_ERR_CONFIG'
  | 'UF_ERR_CITY_INVALID'
  | 'UF_ERR_INPUT'
  | 'UF_ERR_NOT_FOUND'
  /** The answer needs data that has not arrived yet (a forecast in cold start); retrying later can succeed. */
  | 'UF_ERR_NOT_READY'
  | 'UF_ERR_INFEASIBLE'
  | 'UF_ERR_BACKPRESSURE'
  | 'UF_ERR_WORKER'
  | 'UF_ERR_INTERNAL';

/** An error with a stable code; `details` holds machine-readable context (field paths, limits). */
export class UrbanflowError extends Error {
  readonly code: ErrorCode;
  readonly details: Record<string, unknown>;

  constructor(code: ErrorCode, message: string, details: Record<string, unknown> = {}) {
    super(message);
    this.name = 'UrbanflowError';
    this.code = code;
    this.details = details;
  }
}

/** Bad user input (a file, a request body, a flag): the message names the field and what to fix. */
export function inputError(message: string, details: Record<string, unknown> = {}): UrbanflowError {
  return new UrbanflowError('UF_ERR_INPUT', message, details);
}

export function configError(message: string, details: Record<string, unknown> = {}): UrbanflowError {
  return new UrbanflowError('UF_ERR_CONFIG', message, details);
}

export function notFoundError(message: string, details: Record<string, unknown> = {}): UrbanflowError {
  return new UrbanflowError('UF_ERR_NOT_FOUND', message, details);
}

export function notReadyError(message: string, details: Record<string, unknown> = {}): UrbanflowError {
  return new UrbanflowError('UF_ERR_NOT_READY', message, details);
}

export function isUrbanflowError(err: unknown): err is UrbanflowError {
  return err instanceof UrbanflowError;
}
