import type { ConversationView } from '@/lib/services/conversations/views';

// Display helpers for the inbox: names, media labels, day separators.

/** Stored as digits with the country code (WhatsApp's JID user part). */
export function formatPhone(phone: string): string {
  return phone.startsWith('+') ? phone : `+${phone}`;
}

export function contactLabel(c: Pick<ConversationView, 'contactName' | 'contactPhone'>): string {
  return c.contactName?.trim() || formatPhone(c.contactPhone);
}

const MEDIA: Record<string, { icon: string; label: string }> = {
  image: { icon: '📷', label: 'Photo' },
  video: { icon: '🎥', label: 'Video' },
  audio: { icon: '🎤', label: 'Audio' },
  voice: { icon: '🎤', label: 'Voice message' },
  ptt: { icon: '🎤', label: 'Voice message' },
  document: { icon: '📄', label: 'Document' },
  sticker: { icon: '🏷️', label: 'Sticker' },
  location: { icon: '📍', label: 'Location' },
  contact: { icon: '👤', label: 'Contact' },
  contacts: { icon: '👤', label: 'Contact' },
};

/** What a non-text message shows in place of its media; null for text. */
export function mediaLabel(type: string): { icon: string; label: string } | null {
  if (type === 'text') return null;
  return MEDIA[type] ?? { icon: '📎', label: type ? type.charAt(0).toUpperCase() + type.slice(1) : 'Attachment' };
}

/** The list preview: the server writes "[image]" for media without a caption. */
export function previewText(body: string): string {
  const m = /^\[([a-z_]+)\]$/.exec(body);
  const media = m ? mediaLabel(m[1]!) : null;
  return media ? `${media.icon} ${media.label}` : body;
}

function startOfDay(ms: number): number {
  const d = new Date(ms);
  d.setHours(0, 0, 0, 0);
  return d.getTime();
}

/** A day separator: "Today", "Yesterday", else the date ("Mon, 3 Mar", with the year when not this year). */
export function dayLabel(iso: string, now: number): string {
  const then = Date.parse(iso);
  const days = Math.round((startOfDay(now) - startOfDay(then)) / 86_400_000);
  if (days === 0) return 'Today';
  if (days === 1) return 'Yesterday';
  const sameYear = new Date(then).getFullYear() === new Date(now).getFullYear();
  return new Date(then).toLocaleDateString(undefined, { weekday: 'short', day: 'numeric', month: 'short', ...(sameYear ? {} : { year: 'numeric' }) });
}

/** Local calendar day, for grouping messages. */
export function dayKey(iso: string): string {
  const d = new Date(iso);
  return `${d.getFullYear()}-${d.getMonth()}-${d.getDate()}`;
}

export function timeOfDay(iso: string): string {
  return new Date(iso).toLocaleTimeString(undefined, { hour: '2-digit', minute: '2-digit' });
}

/** The list's time column: the time today, "Yesterday", the weekday within a week, else the date. */
export function listTime(iso: string, now: number): string {
  const then = Date.parse(iso);
  if (Number.isNaN(then)) return '';
  const days = Math.round((startOfDay(now) - startOfDay(then)) / 86_400_000);
  if (days <= 0) return timeOfDay(iso);
  if (days === 1) return 'Yesterday';
  if (days < 7) return new Date(then).toLocaleDateString(undefined, { weekday: 'short' });
  const sameYear = new Date(then).getFullYear() === new Date(now).getFullYear();
  return new Date(then).toLocaleDateString(undefined, { day: 'numeric', month: 'short', ...(sameYear ? {} : { year: 'numeric' }) });
}

/** "Bot: ", "You: ", "Ana: " before an outbound preview; '' for the contact's own messages. */
export function previewPrefix(
  last: NonNullable<ConversationView['lastMessage']>,
  meId: string | null,
  nameOf: (userId: string | null) => string | null,
): string {
  if (last.direction === 'in') return '';
  if (last.author === 'bot') return 'Bot: ';
  if (last.authorUserId && last.authorUserId === meId) return 'You: ';
  const name = nameOf(last.authorUserId);
  return name ? `${name.split(/\s+/)[0]}: ` : 'Agent: ';
}
