import type { Duplex } from 'node:stream';
import { AppError, errorBody } from '@/lib/errors';

/** How long a refused connection keeps reading what the client is still sending. */
const LINGER_MS = 2_000;

const answered = new WeakSet<Duplex>();

/**
 * Answers a request Node's parser refused (a 1 MB URL, oversized headers, garbage) with a status
 * and an error body, then closes gracefully. Node's default writes the status and destroys the
 * socket at once: a client still sending its request line then meets a reset (EPIPE/ECONNRESET)
 * instead of reading the answer. Here the socket keeps reading and discarding for a moment
 * (what nginx calls a lingering close) and closes once the client is done.
 */
export function handleClientError(err: Error & { code?: string }, socket: Duplex): void {
  if (answered.has(socket)) return; // the parser may report the same request again
  answered.add(socket);
  if (err.code === 'ECONNRESET' || !socket.writable) {
    socket.destroy();
    return;
  }
  const [status, reason, message] =
    err.code === 'HPE_HEADER_OVERFLOW'
      ? [431, 'Request Header Fields Too Large', "The request's URL or headers are too large."]
      : err.code === 'ERR_HTTP_REQUEST_TIMEOUT'
        ? [408, 'Request Timeout', 'The request took too long to arrive.']
        : [400, 'Bad Request', 'The request is not valid HTTP.'];
  const body = JSON.stringify(errorBody(new AppError('bad_request', message)));
  // The parser's own data listener goes: nothing more is parsed on this connection.
  socket.removeAllListeners('data');
  socket.on('data', () => {});
  socket.resume();
  const cut = setTimeout(() => socket.destroy(), LINGER_MS);
  cut.unref();
  socket.once('close', () => clearTimeout(cut));
  // The client closing its side ends the linger early.
  socket.once('end', () => socket.destroy());
  socket.end(
    `HTTP/1.1 ${status} ${reason}\r\nConnection: close\r\nContent-Type: application/json\r\nCache-Control: no-store\r\nContent-Length: ${Buffer.byteLength(body)}\r\n\r\n${body}`,
  );
}
