import { botIdFrom } from '@/lib/api/params';
import { json, withSession } from '@/lib/api/with-route';
import { SIMULATOR_PER_USER } from '@/lib/rate-limit/rules';
import { disconnectSimulated } from '@/lib/services/simulator/disconnect-simulated';
import { simulatorDisconnectBody } from '@/lib/validation/simulator';
import type { SimulatedDisconnect } from '@/lib/whatsapp/session-control';

export const POST = withSession<{ reason: SimulatedDisconnect }, undefined, { botId: string }>(
  { body: simulatorDisconnectBody, rateLimit: [{ rule: SIMULATOR_PER_USER, key: ({ principal }) => principal.userId }] },
  async ({ body, params, principal }) => {
    await disconnectSimulated({ principal, botId: botIdFrom(params), reason: body.reason });
    return json({ ok: true });
  },
);
