import type { Principal } from '@/lib/auth/principal';
import { simulatorFor } from './simulator-for';

/** A contact writes to the bot through the simulated phone. */
export async function sendSimulatedMessage(opts: {
  principal: Principal;
  botId: string;
  message: { from: string; name?: string; text: string };
}): Promise<{ externalId: string }> {
  const { simulator, botId } = await simulatorFor(opts);
  return simulator.message(botId, opts.message);
}
