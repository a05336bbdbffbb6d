import { afterEach, describe, expect, it, vi } from 'vitest';
import { AppError } from '@/lib/errors';
import { errorResponse } from './with-route';
import { apiRequest, fetcher, fieldErrors, NetworkError } from './fetcher';

afterEach(() => vi.unstubAllGlobals());

function serve(response: Response) {
  vi.stubGlobal('fetch', vi.fn(async () => response));
}

describe('the SWR fetcher rebuilds the server error type', () => {
  it('round-trips an AppError from the route wrapper', async () => {
    serve(errorResponse(new AppError('rate_limited', 'Too many attempts.', { retryAfter: 42 })));
    const err = await fetcher('/api/x').catch((e: unknown) => e);
    expect(err).toBeInstanceOf(AppError);
    expect(err).toMatchObject({ code: 'rate_limited', message: 'Too many attempts.', retryAfter: 42, status: 429 });
  });

  it('keeps validation details for field errors', async () => {
    serve(errorResponse(new AppError('validation_failed', 'bad', { details: [{ path: 'email', message: 'Enter a valid email address.' }] })));
    const err = await apiRequest('POST', '/api/x', {}).catch((e: unknown) => e);
    expect(fieldErrors(err)).toEqual({ email: 'Enter a valid email address.' });
  });

  it('maps a non-JSON failure by status', async () => {
    serve(new Response('<html>bad gateway</html>', { status: 502 }));
    await expect(fetcher('/api/x')).rejects.toMatchObject({ code: 'internal' });
  });

  it('reports network failures as NetworkError', async () => {
    vi.stubGlobal('fetch', vi.fn(async () => Promise.reject(new TypeError('fetch failed'))));
    await expect(fetcher('/api/x')).rejects.toBeInstanceOf(NetworkError);
  });

  it('returns the JSON body on success', async () => {
    serve(Response.json({ hello: 'world' }));
    await expect(fetcher('/api/x')).resolves.toEqual({ hello: 'world' });
  });
});
