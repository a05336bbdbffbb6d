import { AppError, isErrorCode } from '@/lib/errors';

// Browser side of the API: every non-2xx becomes the same AppError the server threw, so
// components branch on `code` (and read field `details`) instead of parsing strings.

export class NetworkError extends AppError {
  constructor(cause: unknown) {
    super('service_unavailable', 'Cannot reach Parley. Check your connection and try again.', { cause });
    this.name = 'NetworkError';
  }
}

async function toError(res: Response): Promise<AppError> {
  let body: unknown;
  try {
    body = await res.json();
  } catch {
    body = undefined;
  }
  const err = (body as { error?: { code?: unknown; message?: unknown; details?: unknown } } | undefined)?.error;
  const retryAfter = Number(res.headers.get('retry-after')) || undefined;
  if (err && isErrorCode(err.code) && typeof err.message === 'string') {
    return new AppError(err.code, err.message, { details: err.details, retryAfter });
  }
  return new AppError(res.status >= 500 ? 'internal' : 'bad_request', `Request failed (${res.status}).`, { retryAfter });
}

/** The response itself (2xx or 304); anything else becomes the server's AppError. */
export async function apiRequestRaw(method: string, url: string, body?: unknown, headers?: Record<string, string>): Promise<Response> {
  let res: Response;
  try {
    res = await fetch(url, {
      method,
      credentials: 'same-origin',
      headers: { ...(body === undefined ? {} : { 'content-type': 'application/json' }), ...headers },
      body: body === undefined ? undefined : JSON.stringify(body),
    });
  } catch (cause) {
    throw new NetworkError(cause);
  }
  if (!res.ok && res.status !== 304) throw await toError(res);
  return res;
}

export async function apiRequest<T>(method: string, url: string, body?: unknown, headers?: Record<string, string>): Promise<T> {
  const res = await apiRequestRaw(method, url, body, headers);
  return (res.status === 204 ? undefined : await res.json()) as T;
}

/** The SWR fetcher. */
export const fetcher = <T>(url: string): Promise<T> => apiRequest<T>('GET', url);

/** Field-level messages from a 422, keyed by field path. */
export function fieldErrors(err: unknown): Record<string, string> {
  if (!(err instanceof AppError) || err.code !== 'validation_failed' || !Array.isArray(err.details)) return {};
  const out: Record<string, string> = {};
  for (const d of err.details as { path?: unknown; message?: unknown }[]) {
    if (typeof d.path === 'string' && typeof d.message === 'string' && !(d.path in out)) out[d.path] = d.message;
  }
  return out;
}
