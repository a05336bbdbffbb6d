import { AppError } from '@/lib/errors';
import { createKeyedQueue } from '@/lib/keyed-queue';
import { rooms } from '@/lib/realtime/events';
import { connectBot } from '@/lib/services/bots/connect-bot';
import { findBot } from '@/lib/services/bots/find-bot';
import { logoutBot } from '@/lib/services/bots/logout-bot';
import { botIdPayload, connectPayload } from '@/lib/validation/bot';
import { sessionControl } from '@/lib/whatsapp/session-control';
import type { ParleySocket } from './create-realtime-server';
import type { SocketHandlerRegistrar } from './socket-handler';

// Client→server session events (DESIGN section 2).

const MAX_SESSION_ROOMS = 50;

export function registerSessionHandlers(socket: ParleySocket, on: SocketHandlerRegistrar): void {
  // Read at call time: a refreshed token can replace the principal (and its memberships).
  const principalOf = () => socket.data.principal;

  // Per bot, subscribe and unsubscribe apply in the order sent: a quick subscribe → unsubscribe
  // (a QR step opened and closed at once) must not end with the socket still in the room.
  const inOrder = createKeyedQueue();

  on('subscribe_session', botIdPayload, ({ botId }) => inOrder(botId, async () => {
    // The session room carries QR and pairing codes (credentials to the bot's WhatsApp): owners
    // and admins only. Agents follow status in the workspace room like the dashboard does.
    const bot = await findBot({ principal: principalOf(), botId, manage: true, action: 'watch a bot’s WhatsApp session (it carries QR codes)' });
    const joined = [...socket.rooms].filter((r) => r.startsWith('session:')).length;
    const room = rooms.session(bot.id);
    if (!socket.rooms.has(room) && joined >= MAX_SESSION_ROOMS) {
      throw new AppError('rate_limited', `A connection can watch at most ${MAX_SESSION_ROOMS} sessions at once.`);
    }
    // Join first, then snapshot: anything emitted in between arrives before the ack, and the
    // snapshot is at least as new, so a QR emitted before subscribing is never missed.
    await socket.join(room);
    return sessionControl().liveSnapshot(bot);
  }));

  on('unsubscribe_session', botIdPayload, ({ botId }) => inOrder(botId, async () => {
    await socket.leave(rooms.session(botId));
    return { botId };
  }));

  on('trigger_whatsapp_connection', connectPayload, async ({ botId, method, phoneNumber }) =>
    connectBot({ principal: principalOf(), botId, input: { method, phoneNumber } }),
  );

  on('disconnect_whatsapp', botIdPayload, async ({ botId }) => logoutBot({ principal: principalOf(), botId }));
}
