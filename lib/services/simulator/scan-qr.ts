import type { Principal } from '@/lib/auth/principal';
import { simulatorFor } from './simulator-for';

/** The simulated phone scans the bot's current QR (or accepts its pairing code). */
export async function scanQr(opts: {
  principal: Principal;
  botId: string;
  phone: { phoneNumber?: string; displayName?: string };
}): Promise<{ phoneNumber: string; displayName: string }> {
  const { simulator, botId } = await simulatorFor(opts);
  return simulator.scan(botId, opts.phone);
}
