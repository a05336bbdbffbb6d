import type { ServerResponse } from 'node:http';
import { errorBody, type AppError } from '@/lib/errors';

/**
 * An AppError as `{ error: { code, message } }` on a raw Node response (what the route wrapper's
 * errorResponse() does for Next.js handlers). Once the body has started, the stream is cut instead.
 */
export function sendError(res: ServerResponse, err: AppError): void {
  if (res.headersSent) {
    res.destroy();
    return;
  }
  const headers: Record<string, string> = { 'content-type': 'application/json', 'cache-control': 'no-store' };
  if (err.retryAfter !== undefined) headers['retry-after'] = String(err.retryAfter);
  res.writeHead(err.status, headers);
  res.end(JSON.stringify(errorBody(err)));
}
