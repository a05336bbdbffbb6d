import { AppError } from '@/lib/errors';

/**
 * The request body, refused with 413 past `maxBytes` — by the declared Content-Length before
 * reading anything, and while streaming (chunked bodies declare none), so a 10 MB body is never
 * held in memory whole.
 */
export async function readBodyLimited(req: Request, maxBytes: number): Promise<Buffer> {
  const tooLarge = () => new AppError('payload_too_large', `Request body is too large (at most ${maxBytes} bytes).`);
  const declared = Number(req.headers.get('content-length') ?? '0');
  if (declared > maxBytes) throw tooLarge();
  if (!req.body) return Buffer.alloc(0);
  const reader = req.body.getReader();
  const chunks: Uint8Array[] = [];
  let size = 0;
  for (;;) {
    const { done, value } = await reader.read();
    if (done) break;
    size += value.byteLength;
    if (size > maxBytes) {
      await reader.cancel().catch(() => {});
      throw tooLarge();
    }
    chunks.push(value);
  }
  return Buffer.concat(chunks);
}
