/**
 * Response header set by the route wrapper: when the server took the request (ms since the
 * epoch), so every read behind the response happened no earlier. The browser compares it with
 * when its socket joined its rooms (components/realtime/unified-websocket-provider.tsx).
 */
export const READ_AT_HEADER = 'x-parley-read-at';
