import type { Logger } from 'pino';
import type { Env } from '@/lib/env';
import { createBaileysEngine } from './baileys/baileys-engine';
import { SessionManager, type SessionManagerOptions } from './session-manager';
import { createSimulator } from './simulator/simulator';

/** The engine for WhatsApp Web bots comes from WHATSAPP_ENGINE: real Baileys, or the fake phone. */
export function createSessionManager(
  config: Env,
  log: Logger,
  sinks: Pick<SessionManagerOptions, 'onMessage' | 'onMessageStatus' | 'onConnected' | 'leases'> = {},
): SessionManager {
  const managerLog = log.child({ component: 'whatsapp' });
  if (config.WHATSAPP_ENGINE === 'simulator') {
    const { engine, control } = createSimulator({
      qrFirstMs: config.SIMULATOR_QR_FIRST_MS,
      qrNextMs: config.SIMULATOR_QR_NEXT_MS,
      qrRefs: config.SIMULATOR_QR_REFS,
      restartMs: config.SIMULATOR_RESTART_MS,
    });
    return new SessionManager({ engine, simulator: control, log: managerLog, ...sinks });
  }
  return new SessionManager({ engine: createBaileysEngine(), log: managerLog, ...sinks });
}
