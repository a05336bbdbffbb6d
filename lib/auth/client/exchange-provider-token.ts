import { apiRequest } from '@/lib/api/fetcher';

/**
 * Trades a Clerk/Firebase token for Parley's session cookie (POST /api/v1/auth/session). From then
 * on the browser's page loads and REST calls carry the cookie like a local sign-in; only the socket
 * keeps presenting provider tokens.
 */
export function exchangeProviderToken(token: string): Promise<unknown> {
  return apiRequest('POST', '/api/v1/auth/session', undefined, { authorization: `Bearer ${token}` });
}
