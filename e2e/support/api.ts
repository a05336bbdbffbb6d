import { expect, type APIRequestContext } from '@playwright/test';

export interface SimulatedPhone {
  phoneNumber: string;
  displayName: string;
}

/** `POST /api/v1/bots` as the signed-in user (the context's cookies apply). */
export async function createBotViaApi(request: APIRequestContext, name: string): Promise<string> {
  const res = await request.post('/api/v1/bots', { data: { name } });
  expect(res.status(), await res.text()).toBe(201);
  return ((await res.json()) as { id: string }).id;
}

/** `POST /api/v1/bots/{id}/connect`: starts linking by QR, as the REST API does. */
export async function connectViaApi(request: APIRequestContext, botId: string) {
  const res = await request.post(`/api/v1/bots/${botId}/connect`, { data: { method: 'qr' } });
  expect(res.status(), await res.text()).toBe(202);
}

/** The simulator's phone scans the bot's current QR (dev API, WHATSAPP_ENGINE=simulator only). */
export async function simulatorScan(request: APIRequestContext, botId: string, phone: SimulatedPhone) {
  return request.post(`/api/dev/simulator/bots/${botId}/scan`, { data: phone });
}

/** Scans once the QR is up: the dev API answers 409 while no QR is showing yet. */
export async function scanWhenQrShows(request: APIRequestContext, botId: string, phone: SimulatedPhone) {
  await expect(async () => {
    const res = await simulatorScan(request, botId, phone);
    expect(res.status(), await res.text()).toBe(200);
  }).toPass({ intervals: [200, 300, 500], timeout: 10_000 });
}

/** A bot with these behaviour settings, linked through the simulator and CONNECTED. */
export async function linkedBotViaApi(request: APIRequestContext, name: string, settings: Record<string, unknown> = {}): Promise<string> {
  const res = await request.post('/api/v1/bots', { data: { name, settings } });
  expect(res.status(), await res.text()).toBe(201);
  const botId = ((await res.json()) as { id: string }).id;
  await connectViaApi(request, botId);
  await scanWhenQrShows(request, botId, { phoneNumber: '15550009999', displayName: `${name} phone` });
  await expect(async () => {
    const bot = await request.get(`/api/v1/bots/${botId}`);
    expect(((await bot.json()) as { status: string }).status).toBe('CONNECTED');
  }).toPass({ intervals: [100, 200, 300], timeout: 10_000 });
  return botId;
}

/** A contact writes to the bot (the simulated phone receives it as WhatsApp would deliver it). */
export async function contactSays(request: APIRequestContext, botId: string, from: string, text: string, name?: string) {
  const res = await request.post(`/api/dev/simulator/bots/${botId}/messages`, { data: { from, text, ...(name ? { name } : {}) } });
  expect(res.status(), await res.text()).toBe(202);
}

/** What contacts received from the bot (auto-replies and agents' messages), as their phones show it. */
export async function contactInbox(request: APIRequestContext, botId: string, to: string): Promise<string[]> {
  const res = await request.get(`/api/dev/simulator/bots/${botId}/messages`);
  const { received } = (await res.json()) as { received: { to: string; text: string }[] };
  return received.filter((m) => m.to === to).map((m) => m.text);
}

/** The signed-in user's first (personal) workspace. */
export async function ownWorkspaceId(request: APIRequestContext): Promise<string> {
  const res = await request.get('/api/v1/auth/session');
  expect(res.status()).toBe(200);
  return ((await res.json()) as { workspaces: { id: string }[] }).workspaces[0]!.id;
}

/** `POST /api/v1/workspaces/{id}/invites` as the signed-in owner or admin; the link's token. */
export async function inviteViaApi(request: APIRequestContext, workspaceId: string, email: string, role: 'agent' | 'admin' = 'agent'): Promise<string> {
  const res = await request.post(`/api/v1/workspaces/${workspaceId}/invites`, { data: { email, role } });
  expect(res.status(), await res.text()).toBe(201);
  return ((await res.json()) as { path: string }).path.split('/').pop()!;
}
