import type { ChatMessage, MessageAuthor } from '@/lib/realtime/events';
import type { ConversationView } from '@/lib/services/conversations/views';

// A conversation's `lastMessage` says which way it went but not who wrote it, so the list's
// "You:" / "Bot:" prefix comes from the messages this tab has seen (pushed, sent or loaded).
// When the API adds `author` to lastMessage, that wins.

export interface LastAuthor {
  author: MessageAuthor;
  authorUserId: string | null;
}

const MAX = 500;
const known = new Map<string, LastAuthor & { at: string }>();

/** Remember who wrote a conversation's newest message. Older messages than the one known are ignored. */
export function noteLastMessage(m: ChatMessage): void {
  const current = known.get(m.conversationId);
  if (current && Date.parse(current.at) > Date.parse(m.createdAt)) return;
  known.delete(m.conversationId);
  known.set(m.conversationId, { author: m.author, authorUserId: m.authorUserId, at: m.createdAt });
  if (known.size > MAX) known.delete(known.keys().next().value as string);
}

/** Who wrote an outbound last message, or null when unknown (or when it came from the contact). */
export function lastOutboundAuthor(view: ConversationView): LastAuthor | null {
  const last = view.lastMessage as (ConversationView['lastMessage'] & Partial<LastAuthor>) | null;
  if (!last || last.direction !== 'out') return null;
  if (last.author) return { author: last.author, authorUserId: last.authorUserId ?? null };
  const seen = known.get(view.id);
  return seen && seen.author !== 'contact' ? { author: seen.author, authorUserId: seen.authorUserId } : null;
}

/** Tests only. */
export function forgetLastAuthors(): void {
  known.clear();
}
