// One error type for the whole app: services throw it, the route wrapper and socket acks turn it
// into `{ error: { code, message } }` with the status below, and the SWR fetcher rebuilds it.

export const ERROR_STATUS = {
  bad_request: 400,
  invalid_json: 400,
  unauthorized: 401,
  forbidden: 403,
  not_found: 404,
  method_not_allowed: 405,
  conflict: 409,
  gone: 410,
  payload_too_large: 413,
  unsupported_media_type: 415,
  validation_failed: 422,
  rate_limited: 429,
  internal: 500,
  service_unavailable: 503,
} as const;

export type ErrorCode = keyof typeof ERROR_STATUS;

export interface ErrorBody {
  error: { code: ErrorCode; message: string; details?: unknown };
}

export class AppError extends Error {
  readonly code: ErrorCode;
  readonly details?: unknown;
  /** Seconds, for 429/503 responses. */
  readonly retryAfter?: number;

  constructor(code: ErrorCode, message: string, opts: { details?: unknown; retryAfter?: number; cause?: unknown } = {}) {
    super(message, { cause: opts.cause });
    this.name = 'AppError';
    this.code = code;
    this.details = opts.details;
    this.retryAfter = opts.retryAfter;
  }

  get status(): number {
    return ERROR_STATUS[this.code];
  }
}

export function isErrorCode(value: unknown): value is ErrorCode {
  return typeof value === 'string' && Object.hasOwn(ERROR_STATUS, value);
}

/** Anything thrown → an AppError; unknown errors become a generic 500 that leaks nothing. */
export function toAppError(err: unknown): AppError {
  if (err instanceof AppError) return err;
  // The custom server and the Next bundles each load their own copy of this module, so an
  // AppError thrown by the session manager is not an instance of the route bundle's class.
  if (err instanceof Error && err.name === 'AppError' && isErrorCode((err as { code?: unknown }).code)) {
    const e = err as AppError;
    return new AppError(e.code, e.message, { details: e.details, retryAfter: e.retryAfter, cause: err });
  }
  return new AppError('internal', 'Something went wrong on our side. Please try again.', { cause: err });
}

export function errorBody(err: AppError): ErrorBody {
  const body: ErrorBody = { error: { code: err.code, message: err.message } };
  if (err.details !== undefined) body.error.details = err.details;
  return body;
}

/** What to show for a caught error: an AppError's own words, anything else the fallback. */
export function errorMessage(err: unknown, fallback: string): string {
  return err instanceof AppError ? err.message : fallback;
}
