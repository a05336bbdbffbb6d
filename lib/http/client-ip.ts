// The custom server stamps every request with the peer address (overwriting anything the client
// sent), because route handlers in Next.js cannot see the socket. See server/http/handle-request.ts.
export const CLIENT_IP_HEADER = 'x-parley-client-ip';

export function clientIp(req: Request): string {
  return req.headers.get(CLIENT_IP_HEADER) ?? 'unknown';
}
