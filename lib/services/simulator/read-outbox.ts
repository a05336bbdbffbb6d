import type { Principal } from '@/lib/auth/principal';
import { simulatorFor } from './simulator-for';

/** What the bot has sent to contacts through the simulated phone, oldest first (the contact's screen). */
export async function readOutbox(opts: { principal: Principal; botId: string }): Promise<{ received: { to: string; text: string; id: string }[] }> {
  const { simulator, botId } = await simulatorFor(opts);
  return { received: await simulator.outbox(botId) };
}
