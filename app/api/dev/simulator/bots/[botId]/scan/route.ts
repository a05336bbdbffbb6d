import { botIdFrom } from '@/lib/api/params';
import { json, withSession } from '@/lib/api/with-route';
import { SIMULATOR_PER_USER } from '@/lib/rate-limit/rules';
import { scanQr } from '@/lib/services/simulator/scan-qr';
import { simulatorScanBody } from '@/lib/validation/simulator';

type Body = { phoneNumber?: string; displayName?: string };

export const POST = withSession<Body, undefined, { botId: string }>(
  { body: simulatorScanBody, emptyBodyOk: true, rateLimit: [{ rule: SIMULATOR_PER_USER, key: ({ principal }) => principal.userId }] },
  async ({ body, params, principal }) => json(await scanQr({ principal, botId: botIdFrom(params), phone: body })),
);
