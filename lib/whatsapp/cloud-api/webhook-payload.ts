import { z } from 'zod';

// Meta's webhook envelope for WhatsApp Business accounts:
//   { object: 'whatsapp_business_account', entry: [{ id, changes: [{ field, value }] }] }
// where a `messages` change's value carries metadata.phone_number_id (which bot), contacts
// (profile names), messages (inbound) and statuses (receipts for what the bot sent).
// The envelope is checked strictly enough to route; single items are read leniently, and one
// malformed message never costs the others in the same delivery.

export const cloudWebhookSchema = z.looseObject({
  object: z.literal('whatsapp_business_account'),
  entry: z.array(
    z.looseObject({
      id: z.string().optional(),
      changes: z.array(z.looseObject({ field: z.string().optional(), value: z.unknown() })).optional(),
    }),
  ),
});
export type CloudWebhook = z.infer<typeof cloudWebhookSchema>;

export interface CloudInbound {
  /** WhatsApp's message id (wamid…), the deduplication key. */
  externalId: string;
  /** The contact's number, digits only. */
  from: string;
  /** value.contacts[].profile.name of the sender, when Meta sent one. */
  contactName?: string;
  type: string;
  /** The text, a media caption, or a short description of what arrived ('' when nothing fits). */
  body: string;
  sentAt: Date;
}

export type CloudStatusValue = 'sent' | 'delivered' | 'read' | 'failed';

export interface CloudStatus {
  externalId: string;
  status: CloudStatusValue;
  error?: string;
}

export interface CloudBatch {
  messages: CloudInbound[];
  statuses: CloudStatus[];
}

/**
 * Text as PostgreSQL can store it: NUL (and unpaired surrogates) dropped. Meta signs whatever a
 * contact sent; refusing it (503) would have Meta retry the delivery for days and lose it anyway.
 */
const storable = (s: string) => s.replace(/\u0000|[\uD800-\uDBFF](?![\uDC00-\uDFFF])|(?<![\uD800-\uDBFF])[\uDC00-\uDFFF]/g, '');
const text = z.string().transform(storable).optional().catch(undefined);

const changeValue = z.looseObject({
  metadata: z.looseObject({ phone_number_id: z.union([z.string(), z.number()]).transform(String) }),
  contacts: z.array(z.unknown()).optional().catch(undefined),
  messages: z.array(z.unknown()).optional().catch(undefined),
  statuses: z.array(z.unknown()).optional().catch(undefined),
});

const contact = z.looseObject({ wa_id: text, profile: z.looseObject({ name: text }).optional().catch(undefined) });

const media = z.looseObject({ caption: text, filename: text }).optional().catch(undefined);

const message = z.looseObject({
  id: z.string().min(1),
  from: z.union([z.string(), z.number()]).transform(String),
  timestamp: z.union([z.string(), z.number()]).optional(),
  type: z.string().min(1).catch('unknown'),
  text: z.looseObject({ body: text }).optional().catch(undefined),
  image: media,
  video: media,
  document: media,
  location: z.looseObject({ name: text, address: text, latitude: z.number().optional().catch(undefined), longitude: z.number().optional().catch(undefined) }).optional().catch(undefined),
  reaction: z.looseObject({ emoji: text }).optional().catch(undefined),
  interactive: z
    .looseObject({
      button_reply: z.looseObject({ title: text }).optional().catch(undefined),
      list_reply: z.looseObject({ title: text }).optional().catch(undefined),
    })
    .optional()
    .catch(undefined),
  button: z.looseObject({ text: text }).optional().catch(undefined),
  contacts: z.array(z.looseObject({ name: z.looseObject({ formatted_name: text }).optional().catch(undefined) })).optional().catch(undefined),
  system: z.looseObject({ body: text }).optional().catch(undefined),
});

const status = z.looseObject({
  id: z.string().min(1),
  status: z.enum(['sent', 'delivered', 'read', 'failed']),
  errors: z
    .array(z.looseObject({ title: text, message: text }))
    .optional()
    .catch(undefined),
});

/**
 * Every `messages` change of a webhook delivery, grouped by the business phone number it was
 * addressed to (in delivery order). Other fields (account updates, template reviews…) are skipped.
 * Throws a ZodError when the envelope itself is not a WhatsApp Business webhook.
 */
export function normalizeCloudWebhook(json: unknown): Map<string, CloudBatch> {
  const payload = cloudWebhookSchema.parse(json);
  const out = new Map<string, CloudBatch>();
  for (const entry of payload.entry) {
    for (const change of entry.changes ?? []) {
      if (change.field !== undefined && change.field !== 'messages') continue;
      const value = changeValue.safeParse(change.value);
      if (!value.success) continue;
      const phoneNumberId = value.data.metadata.phone_number_id;
      let batch = out.get(phoneNumberId);
      if (!batch) out.set(phoneNumberId, (batch = { messages: [], statuses: [] }));

      const names = contactNames(value.data.contacts ?? []);
      const rawMessages = value.data.messages ?? [];
      // wa_id can differ from `from` in format (some countries' mobile prefixes): a lone contact
      // card for a lone message is that sender's.
      const lone = names.size === 1 && rawMessages.length === 1 ? [...names.values()][0] : undefined;
      for (const raw of rawMessages) {
        const m = message.safeParse(raw);
        if (!m.success) continue;
        const from = m.data.from.replace(/\D/g, '');
        if (!from) continue;
        const contactName = names.get(from) ?? lone;
        batch.messages.push({
          externalId: m.data.id,
          from,
          ...(contactName ? { contactName } : {}),
          type: m.data.type,
          body: bodyOf(m.data),
          sentAt: dateOf(m.data.timestamp),
        });
      }
      for (const raw of value.data.statuses ?? []) {
        const s = status.safeParse(raw);
        if (!s.success) continue; // e.g. 'deleted' or a status this version does not know
        const firstError = s.data.errors?.[0];
        const error = s.data.status === 'failed' ? (firstError?.title?.trim() || firstError?.message?.trim()) : undefined;
        batch.statuses.push({ externalId: s.data.id, status: s.data.status, ...(error ? { error } : {}) });
      }
    }
  }
  return out;
}

function contactNames(contacts: unknown[]): Map<string, string> {
  const names = new Map<string, string>();
  for (const raw of contacts) {
    const c = contact.safeParse(raw);
    const waId = c.success ? c.data.wa_id?.replace(/\D/g, '') : undefined;
    const name = c.success ? c.data.profile?.name?.trim() : undefined;
    if (waId && name) names.set(waId, name);
  }
  return names;
}

type ParsedMessage = z.infer<typeof message>;

function bodyOf(m: ParsedMessage): string {
  switch (m.type) {
    case 'text':
      return m.text?.body ?? '';
    case 'image':
    case 'video':
      return m[m.type]?.caption ?? '';
    case 'document':
      return m.document?.caption ?? m.document?.filename ?? '';
    case 'location': {
      const place = [m.location?.name, m.location?.address].filter((p): p is string => Boolean(p?.trim())).join(', ');
      if (place) return place;
      const { latitude, longitude } = m.location ?? {};
      return latitude !== undefined && longitude !== undefined ? `${latitude}, ${longitude}` : '';
    }
    case 'reaction':
      return m.reaction?.emoji ?? '';
    case 'interactive':
      return m.interactive?.button_reply?.title ?? m.interactive?.list_reply?.title ?? '';
    case 'button':
      return m.button?.text ?? '';
    case 'contacts':
      return (m.contacts ?? [])
        .map((c) => c.name?.formatted_name)
        .filter(Boolean)
        .join(', ');
    case 'system':
      return m.system?.body ?? '';
    default:
      // audio, sticker, order, unsupported…: the type says what it was.
      return '';
  }
}

/** Meta sends Unix seconds as a string. */
function dateOf(timestamp: string | number | undefined): Date {
  const seconds = Number(timestamp);
  return Number.isFinite(seconds) && seconds > 0 ? new Date(seconds * 1000) : new Date();
}
