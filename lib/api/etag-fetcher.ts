import { apiRequestRaw } from './fetcher';
import { READ_AT_HEADER } from './read-at';

/**
 * An SWR fetcher that remembers each URL's ETag and body and sends `If-None-Match`, so a poll
 * that finds nothing new costs a 304 with no body and hands SWR the very same object (no
 * re-render). One instance per provider: the cache dies with the tab's signed-in layout.
 */

export function createEtagFetcher(opts: { maxEntries?: number; base?: string; onRead?: (url: string, readAt: number) => void } = {}) {
  const max = opts.maxEntries ?? 200;
  const cache = new Map<string, { etag: string; data: unknown }>();
  return async function etagFetcher<T>(url: string): Promise<T> {
    const hit = cache.get(url);
    const res = await apiRequestRaw('GET', (opts.base ?? '') + url, undefined, hit ? { 'if-none-match': hit.etag } : undefined);
    const readAt = Number(res.headers.get(READ_AT_HEADER));
    if (readAt > 0) opts.onRead?.(url, readAt);
    if (res.status === 304 && hit) return hit.data as T;
    const data = (await res.json()) as T;
    const etag = res.headers.get('etag');
    cache.delete(url);
    if (etag) {
      cache.set(url, { etag, data });
      if (cache.size > max) cache.delete(cache.keys().next().value as string);
    }
    return data;
  };
}
