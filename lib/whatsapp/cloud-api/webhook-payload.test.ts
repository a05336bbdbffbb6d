import { describe, expect, it } from 'vitest';
import { cloudImageMessage, cloudStatus, cloudTextMessage, webhookBody } from '@/test/fake-graph-server';
import { cloudWebhookSchema, normalizeCloudWebhook } from './webhook-payload';

// Payloads as Meta documents them (WhatsApp Cloud API, webhook payload examples).

const PHONE_ID = '106540352242922';
const metadata = { display_phone_number: '15550102000', phone_number_id: PHONE_ID };

function envelope(...changes: unknown[]) {
  return { object: 'whatsapp_business_account', entry: [{ id: '102290129340398', changes }] };
}

describe('normalizeCloudWebhook', () => {
  it('reads a text message with its sender’s profile name', () => {
    const payload = envelope({
      value: {
        messaging_product: 'whatsapp',
        metadata,
        contacts: [{ profile: { name: 'Kerry Fisher' }, wa_id: '16315551181' }],
        messages: [{ from: '16315551181', id: 'wamid.ABGGFlA5Fpa', timestamp: '1504902988', type: 'text', text: { body: 'this is a text message' } }],
      },
      field: 'messages',
    });
    const out = normalizeCloudWebhook(payload);
    expect([...out.keys()]).toEqual([PHONE_ID]);
    expect(out.get(PHONE_ID)).toEqual({
      messages: [
        { externalId: 'wamid.ABGGFlA5Fpa', from: '16315551181', contactName: 'Kerry Fisher', type: 'text', body: 'this is a text message', sentAt: new Date(1504902988_000) },
      ],
      statuses: [],
    });
  });

  it('drops NUL and unpaired surrogates from text and names, which PostgreSQL cannot store', () => {
    const payload = envelope({
      value: {
        messaging_product: 'whatsapp',
        metadata,
        contacts: [{ profile: { name: 'Ker\u0000ry' }, wa_id: '16315551181' }],
        messages: [{ from: '16315551181', id: 'wamid.nul', timestamp: '1504902988', type: 'text', text: { body: 'a\u0000b\ud800c 🦜' } }],
      },
      field: 'messages',
    });
    expect(normalizeCloudWebhook(payload).get(PHONE_ID)!.messages[0]).toMatchObject({ contactName: 'Kerry', body: 'abc 🦜' });
  });

  it('uses a media caption as the body and keeps the type', () => {
    const payload = envelope({
      value: {
        messaging_product: 'whatsapp',
        metadata,
        contacts: [{ profile: { name: 'Kerry Fisher' }, wa_id: '16315551181' }],
        messages: [
          {
            from: '16315551181',
            id: 'wamid.IMG',
            timestamp: '1603059201',
            type: 'image',
            image: { caption: 'Check out my new phone!', mime_type: 'image/jpeg', sha256: 'IMAGE_HASH', id: '1234567890' },
          },
          { from: '16315551181', id: 'wamid.IMG2', timestamp: '1603059202', type: 'image', image: { mime_type: 'image/jpeg', sha256: 'H', id: '1' } },
          { from: '16315551181', id: 'wamid.VID', timestamp: '1603059203', type: 'video', video: { caption: 'a clip', mime_type: 'video/mp4', id: '2' } },
          { from: '16315551181', id: 'wamid.DOC', timestamp: '1603059204', type: 'document', document: { filename: 'invoice.pdf', mime_type: 'application/pdf', id: '3' } },
        ],
      },
      field: 'messages',
    });
    const messages = normalizeCloudWebhook(payload).get(PHONE_ID)!.messages;
    expect(messages.map((m) => [m.externalId, m.type, m.body])).toEqual([
      ['wamid.IMG', 'image', 'Check out my new phone!'],
      ['wamid.IMG2', 'image', ''],
      ['wamid.VID', 'video', 'a clip'],
      ['wamid.DOC', 'document', 'invoice.pdf'],
    ]);
  });

  it('describes other message types briefly and keeps their type', () => {
    const from = '16315551181';
    const m = (id: string, type: string, content: Record<string, unknown>) => ({ from, id, timestamp: '1603059201', type, ...content });
    const payload = envelope({
      value: {
        messaging_product: 'whatsapp',
        metadata,
        messages: [
          m('w1', 'location', { location: { latitude: 38.9, longitude: -77.03, name: 'Philz Coffee', address: '1 Hacker Way' } }),
          m('w2', 'location', { location: { latitude: 38.9, longitude: -77.03 } }),
          m('w3', 'reaction', { reaction: { message_id: 'wamid.X', emoji: '👍' } }),
          m('w4', 'interactive', { interactive: { type: 'button_reply', button_reply: { id: 'yes', title: 'Yes, please' } } }),
          m('w5', 'interactive', { interactive: { type: 'list_reply', list_reply: { id: 'r1', title: 'Opening hours', description: '' } } }),
          m('w6', 'button', { button: { text: 'Stop promotions', payload: 'STOP' } }),
          m('w7', 'audio', { audio: { mime_type: 'audio/ogg; codecs=opus', id: '9', voice: true } }),
          m('w8', 'sticker', { sticker: { mime_type: 'image/webp', id: '8', animated: false } }),
          m('w9', 'unsupported', { errors: [{ code: 131051, title: 'Message type unknown' }] }),
          m('w10', 'contacts', { contacts: [{ name: { formatted_name: 'Ann Smith', first_name: 'Ann' }, phones: [] }] }),
        ],
      },
      field: 'messages',
    });
    const got = normalizeCloudWebhook(payload).get(PHONE_ID)!.messages.map((x) => [x.type, x.body]);
    expect(got).toEqual([
      ['location', 'Philz Coffee, 1 Hacker Way'],
      ['location', '38.9, -77.03'],
      ['reaction', '👍'],
      ['interactive', 'Yes, please'],
      ['interactive', 'Opening hours'],
      ['button', 'Stop promotions'],
      ['audio', ''],
      ['sticker', ''],
      ['unsupported', ''],
      ['contacts', 'Ann Smith'],
    ]);
  });

  it('reads sent, delivered, read and failed statuses, with the failure’s title', () => {
    const status = (id: string, s: string, extra: Record<string, unknown> = {}) => ({ id, status: s, timestamp: '1750263773', recipient_id: '16505551234', ...extra });
    const payload = envelope({
      value: {
        messaging_product: 'whatsapp',
        metadata,
        statuses: [
          status('wamid.A', 'sent', { conversation: { id: 'c', expiration_timestamp: '1750350173', origin: { type: 'service' } }, pricing: { billable: true, pricing_model: 'CBP', category: 'service' } }),
          status('wamid.A', 'delivered'),
          status('wamid.A', 'read'),
          status('wamid.B', 'failed', {
            errors: [
              {
                code: 131047,
                title: 'Re-engagement message',
                message: 'Re-engagement message',
                error_data: { details: 'Message failed to send because more than 24 hours have passed since the customer last replied to this number.' },
              },
            ],
          }),
          status('wamid.C', 'failed', { errors: [{ code: 131000, message: 'Something went wrong' }] }),
          status('wamid.D', 'failed'),
          status('wamid.E', 'deleted'),
        ],
      },
      field: 'messages',
    });
    const batch = normalizeCloudWebhook(payload).get(PHONE_ID)!;
    expect(batch.messages).toEqual([]);
    expect(batch.statuses).toEqual([
      { externalId: 'wamid.A', status: 'sent' },
      { externalId: 'wamid.A', status: 'delivered' },
      { externalId: 'wamid.A', status: 'read' },
      { externalId: 'wamid.B', status: 'failed', error: 'Re-engagement message' },
      { externalId: 'wamid.C', status: 'failed', error: 'Something went wrong' },
      { externalId: 'wamid.D', status: 'failed' },
    ]);
  });

  it('matches contact names to senders by wa_id when a change carries several', () => {
    const payload = envelope({
      value: {
        messaging_product: 'whatsapp',
        metadata,
        contacts: [
          { profile: { name: 'Ann' }, wa_id: '4915112345678' },
          { profile: { name: 'Ben' }, wa_id: '4915187654321' },
        ],
        messages: [
          { from: '4915187654321', id: 'w1', timestamp: '1700000000', type: 'text', text: { body: 'from Ben' } },
          { from: '4915112345678', id: 'w2', timestamp: '1700000001', type: 'text', text: { body: 'from Ann' } },
          { from: '4400000000000', id: 'w3', timestamp: '1700000002', type: 'text', text: { body: 'from a stranger' } },
        ],
      },
      field: 'messages',
    });
    expect(normalizeCloudWebhook(payload).get(PHONE_ID)!.messages.map((m) => [m.body, m.contactName])).toEqual([
      ['from Ben', 'Ben'],
      ['from Ann', 'Ann'],
      ['from a stranger', undefined],
    ]);

    // A lone card for a lone message names its sender even when wa_id is written differently.
    const lone = envelope({
      value: {
        messaging_product: 'whatsapp',
        metadata,
        contacts: [{ profile: { name: 'Bia' }, wa_id: '5511987654321' }],
        messages: [{ from: '551187654321', id: 'w4', timestamp: '1700000003', type: 'text', text: { body: 'oi' } }],
      },
      field: 'messages',
    });
    expect(normalizeCloudWebhook(lone).get(PHONE_ID)!.messages[0]!.contactName).toBe('Bia');
  });

  it('gathers several entries and changes, per phone number id, in order, and skips other fields', () => {
    const OTHER = '200000000000001';
    const text = (id: string, body: string) => ({ from: '15551230000', id, timestamp: '1700000000', type: 'text', text: { body } });
    const payload = {
      object: 'whatsapp_business_account',
      entry: [
        {
          id: 'WABA_1',
          changes: [
            { value: { messaging_product: 'whatsapp', metadata, messages: [text('a1', 'one')] }, field: 'messages' },
            { value: { messaging_product: 'whatsapp', metadata: { display_phone_number: '1', phone_number_id: OTHER }, messages: [text('b1', 'two')] }, field: 'messages' },
            { value: { phone_number: '15550102000', event: 'VERIFIED_ACCOUNT' }, field: 'account_update' },
            { value: { event: 'APPROVED', message_template_id: 1, message_template_name: 'x', message_template_language: 'en_US' }, field: 'message_template_status_update' },
          ],
        },
        {
          id: 'WABA_2',
          changes: [
            {
              value: { messaging_product: 'whatsapp', metadata, messages: [text('a2', 'three')], statuses: [{ id: 'wamid.S', status: 'read', timestamp: '1', recipient_id: '1' }] },
              field: 'messages',
            },
          ],
        },
      ],
    };
    const out = normalizeCloudWebhook(payload);
    expect([...out.keys()]).toEqual([PHONE_ID, OTHER]);
    expect(out.get(PHONE_ID)!.messages.map((m) => m.body)).toEqual(['one', 'three']);
    expect(out.get(PHONE_ID)!.statuses).toEqual([{ externalId: 'wamid.S', status: 'read' }]);
    expect(out.get(OTHER)!.messages.map((m) => m.externalId)).toEqual(['b1']);
  });

  it('yields nothing for a delivery with only non-message fields', () => {
    const payload = envelope({ value: { phone_number: '15550102000', event: 'VERIFIED_ACCOUNT' }, field: 'account_update' });
    expect(normalizeCloudWebhook(payload).size).toBe(0);
    expect(normalizeCloudWebhook({ object: 'whatsapp_business_account', entry: [{ id: '1', time: 1 }] }).size).toBe(0);
  });

  it('skips single malformed items and keeps the rest', () => {
    const payload = envelope({
      value: {
        messaging_product: 'whatsapp',
        metadata,
        contacts: 'not a list',
        messages: [
          { from: '15551230000', timestamp: '1', type: 'text', text: { body: 'no id' } },
          { id: 'w-no-from', timestamp: '1', type: 'text', text: { body: 'no sender' } },
          { from: '+1 (555) 123-0000', id: 'w-ok', timestamp: 'garbage', type: 'text', text: { body: 'kept' } },
          'nonsense',
        ],
        statuses: [{ status: 'read' }, { id: 'wamid.ok', status: 'delivered' }],
      },
      field: 'messages',
    });
    const batch = normalizeCloudWebhook(payload).get(PHONE_ID)!;
    expect(batch.messages).toHaveLength(1);
    expect(batch.messages[0]).toMatchObject({ externalId: 'w-ok', from: '15551230000', body: 'kept' });
    expect(batch.messages[0]!.sentAt).toBeInstanceOf(Date);
    expect(Number.isNaN(batch.messages[0]!.sentAt.getTime())).toBe(false);
    expect(batch.statuses).toEqual([{ externalId: 'wamid.ok', status: 'delivered' }]);
  });

  it('refuses an envelope that is not a WhatsApp Business webhook', () => {
    for (const bad of [null, [], 'x', {}, { object: 'page', entry: [] }, { object: 'whatsapp_business_account' }, { object: 'whatsapp_business_account', entry: {} }]) {
      expect(cloudWebhookSchema.safeParse(bad).success).toBe(false);
      expect(() => normalizeCloudWebhook(bad)).toThrow();
    }
  });

  it('reads what the shared test builders produce', () => {
    const at = new Date('2025-01-02T03:04:05Z');
    const payload = webhookBody([
      {
        changes: [
          {
            phoneNumberId: PHONE_ID,
            events: [
              cloudTextMessage({ from: '4915112345678', name: 'Ann', text: 'Hello', id: 'wamid.T', at }),
              cloudImageMessage({ from: '4915112345678', caption: 'a photo', id: 'wamid.I', at }),
              cloudStatus({ id: 'wamid.O', status: 'failed', recipient: '4915112345678', error: { code: 131026, title: 'Message undeliverable' } }),
            ],
          },
        ],
      },
    ]);
    const batch = normalizeCloudWebhook(JSON.parse(JSON.stringify(payload))).get(PHONE_ID)!;
    expect(batch.messages).toEqual([
      { externalId: 'wamid.T', from: '4915112345678', contactName: 'Ann', type: 'text', body: 'Hello', sentAt: at },
      { externalId: 'wamid.I', from: '4915112345678', contactName: 'Ann', type: 'image', body: 'a photo', sentAt: at },
    ]);
    expect(batch.statuses).toEqual([{ externalId: 'wamid.O', status: 'failed', error: 'Message undeliverable' }]);
  });
});
