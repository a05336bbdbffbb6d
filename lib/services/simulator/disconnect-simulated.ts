import type { Principal } from '@/lib/auth/principal';
import type { SimulatedDisconnect } from '@/lib/whatsapp/session-control';
import { simulatorFor } from './simulator-for';

/** WhatsApp drops the simulated connection with the given reason (401, 440, 428 or 405). */
export async function disconnectSimulated(opts: { principal: Principal; botId: string; reason: SimulatedDisconnect }): Promise<void> {
  const { simulator, botId } = await simulatorFor(opts);
  await simulator.disconnect(botId, opts.reason);
}
