import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import pino from 'pino';
import type { Socket } from 'socket.io-client';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { authenticate } from '@/lib/auth/authenticate';
import { type DbHandle, setDbHandle } from '@/lib/db';
import { installRealtime } from '@/lib/realtime/publish';
import { createProviderSession } from '@/lib/services/auth/create-provider-session';
import { signOut } from '@/lib/services/auth/sign-out';
import { dial, dialOk } from '@/test/http-client';
import { createTestKey, FIREBASE_PROJECT, firebaseClaims, mint, nowSeconds, type TestKey } from '@/test/provider-tokens';
import { setupTestEnv } from '@/test/setup-env';
import { emitAck } from '@/test/socket-events';
import { openTestDb } from '@/test/test-db';
import { createRealtimeServer, type RealtimeServer } from './create-realtime-server';

// Socket.IO with Firebase ID tokens (the Clerk path is the same code after verifyToken): the real
// server on port 0, the real authenticate on PGlite, tokens minted with a local key pair.

const key: TestKey = await createTestKey('fb-socket');
setupTestEnv({ AUTH_PROVIDER: 'firebase', FIREBASE_PROJECT_ID: FIREBASE_PROJECT, NEXT_PUBLIC_FIREBASE_API_KEY: 'AIzaTest', FIREBASE_PUBLIC_KEY: key.pem });

let handle: DbHandle;
let http: Server;
let realtime: RealtimeServer;
let url: string;
const open: Socket[] = [];

beforeAll(async () => {
  handle = (await openTestDb('pglite')).handle;
  setDbHandle(handle);
  http = createServer();
  realtime = createRealtimeServer(http, { authenticate, log: pino({ level: 'silent' }) });
  installRealtime(realtime.facade);
  await new Promise<void>((r) => http.listen(0, '127.0.0.1', r));
  url = `http://127.0.0.1:${(http.address() as AddressInfo).port}`;
});
afterEach(() => {
  for (const s of open.splice(0)) s.disconnect();
});
afterAll(async () => {
  installRealtime(undefined);
  await realtime.close();
  await handle.close();
});

async function connect(token: string): Promise<{ socket: Socket; userId: string }> {
  const { socket, connected } = await dialOk(url, { token });
  open.push(socket);
  return { socket, userId: connected.userId };
}

const idToken = (uid: string, claims: Parameters<typeof firebaseClaims>[1] = {}) => mint(key, firebaseClaims(uid, claims));

describe('Socket.IO with a Firebase ID token', () => {
  it('accepts a valid token at the handshake and refuses a bad one with `unauthorized`', async () => {
    const { userId } = await connect(await idToken('SockUid1'));
    expect(userId).toEqual(expect.any(String));
    expect(await dial(url, { token: await idToken('SockUid1', { aud: 'other-project' }) })).toEqual({ ok: false, message: 'unauthorized' });
    expect(await dial(url, { token: await idToken('SockUid1', { exp: nowSeconds() - 30 }) })).toEqual({ ok: false, message: 'unauthorized' });
  });

  it('refresh_token with the next ID token keeps the one socket past the first token’s expiry', async () => {
    const authTime = nowSeconds() - 100;
    // Expires in ~2 s (exp has 1 s resolution; the server closes sockets at expiry).
    const first = await idToken('SockUid2', { auth_time: authTime, exp: nowSeconds() + 2 });
    const { socket } = await connect(first);
    let disconnected = false;
    socket.once('disconnect', () => (disconnected = true));

    const nextExp = nowSeconds() + 3600;
    const res = await emitAck(socket, 'refresh_token', { token: await idToken('SockUid2', { auth_time: authTime, exp: nextExp }) });
    expect(res).toEqual({ ok: true, data: { expiresAt: new Date(nextExp * 1000).toISOString() } });
    await new Promise((r) => setTimeout(r, 3_000));
    expect(disconnected).toBe(false);
    expect(socket.connected).toBe(true);
  });

  it('closes a socket whose ID token expires without a refresh', async () => {
    const { socket } = await connect(await idToken('SockUid3', { exp: nowSeconds() + 2 }));
    const reason = await new Promise<string>((resolve) => socket.once('disconnect', resolve));
    expect(reason).toBe('io server disconnect');
  });

  it('refuses another account’s token in refresh_token', async () => {
    const { socket } = await connect(await idToken('SockUid4'));
    const res = await emitAck(socket, 'refresh_token', { token: await idToken('SockIntruder') });
    expect(res).toMatchObject({ ok: false, error: { code: 'unauthorized' } });
    expect(socket.connected).toBe(true);
  });

  it('signing out of the session exchanged from a sign-in closes the sockets that sign-in’s tokens opened', async () => {
    const token = await idToken('SockUid5');
    const { socket } = await connect(token);
    const principal = (await authenticate({ token }))!;
    const { session } = await createProviderSession({ principal });
    const closed = new Promise<string>((resolve) => socket.once('disconnect', resolve));
    await signOut({ principal: { sessionId: session.id, via: 'cookie' } });
    expect(await closed).toBe('io server disconnect');
    expect(await dial(url, { token })).toEqual({ ok: false, message: 'unauthorized' });
  });
});
