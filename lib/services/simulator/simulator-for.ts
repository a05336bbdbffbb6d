import type { Principal } from '@/lib/auth/principal';
import { AppError } from '@/lib/errors';
import { findBot } from '@/lib/services/bots/find-bot';
import { findSessionControl, type SimulatorCommands } from '@/lib/whatsapp/session-control';

/** The simulator and the caller's bot; 404 as if the endpoint did not exist when the simulator is off. */
export async function simulatorFor(opts: { principal: Principal; botId: string }): Promise<{ simulator: SimulatorCommands; botId: string }> {
  const simulator = findSessionControl()?.simulator;
  if (!simulator) throw new AppError('not_found', 'The simulator is off (set WHATSAPP_ENGINE=simulator).');
  const bot = await findBot({ principal: opts.principal, botId: opts.botId, manage: true });
  return { simulator, botId: bot.id };
}
