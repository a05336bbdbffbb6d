import { createHmac, randomBytes } from 'node:crypto';
import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';

// A local stand-in for Meta's Graph API (the WhatsApp Cloud API's two calls Parley makes), plus
// builders for webhook deliveries in Meta's documented format. Unit, integration and e2e tests
// and the benchmarks share it; nothing here talks to the internet.

export interface RecordedRequest {
  method: string;
  /** As received, version prefix included (`/v21.0/123/messages`). */
  path: string;
  headers: Record<string, string>;
  body: unknown;
}

export interface FakePhoneNumber {
  /** As Meta shows it: '+1 555-010-2000'. */
  displayPhoneNumber: string;
  verifiedName: string;
}

export interface FakeGraphOptions {
  /** The token every call must carry as `Authorization: Bearer …`. */
  accessToken: string;
  /** Phone number ids the fake knows; one default number when omitted. */
  phoneNumbers?: Record<string, FakePhoneNumber>;
  /** A fixed port (the e2e servers'); any free port when omitted. */
  port?: number;
  /** Serve `GET /__fake/sent` (what was sent, for tests in another process). */
  inspect?: boolean;
}

export interface FakeGraph {
  /** Base URL with the API version, for WHATSAPP_GRAPH_URL. */
  url: string;
  readonly requests: RecordedRequest[];
  /** The next `count` API calls answer `status` with a Graph error body (override it with `error`). */
  failNext(count: number, status: number, error?: Partial<GraphErrorBody>): void;
  /** The next `count` API calls wait `ms` before answering (timeouts). */
  delayNext(count: number, ms: number): void;
  /**
   * The next `count` messages are accepted (in sentMessages() with their id at once) but the answer
   * waits `ms`: Meta's status webhooks can reach Parley before the API response does.
   */
  delayReplyNext(count: number, ms: number): void;
  setAccessToken(token: string): void;
  addPhoneNumber(phoneNumberId: string, number: FakePhoneNumber): void;
  /** The messages sent so far, as `{ phoneNumberId, to, text, id }`. */
  sentMessages(): { phoneNumberId: string; to: string; text: string; id: string }[];
  reset(): void;
  close(): Promise<void>;
}

export interface GraphErrorBody {
  message: string;
  type: string;
  code: number;
  error_subcode?: number;
  fbtrace_id: string;
}

export const FAKE_PHONE_NUMBER_ID = '106540352242922';
export const FAKE_DISPLAY_PHONE = '+1 555-010-2000';
export const FAKE_VERIFIED_NAME = 'Parley Test Business';

const API_VERSION = 'v21.0';

export async function startFakeGraph(opts: FakeGraphOptions): Promise<FakeGraph> {
  let accessToken = opts.accessToken;
  const numbers = new Map(Object.entries(opts.phoneNumbers ?? { [FAKE_PHONE_NUMBER_ID]: { displayPhoneNumber: FAKE_DISPLAY_PHONE, verifiedName: FAKE_VERIFIED_NAME } }));
  const requests: RecordedRequest[] = [];
  const sent: { phoneNumberId: string; to: string; text: string; id: string }[] = [];
  let failures: { status: number; error?: Partial<GraphErrorBody> }[] = [];
  let delays: number[] = [];
  let replyDelays: number[] = [];

  const server = createServer((req, res) => {
    void handle(req, res).catch(() => {
      if (!res.headersSent) reply(res, 500, { error: graphError('Fake Graph crashed.', 'OAuthException', 1) });
    });
  });

  async function handle(req: IncomingMessage, res: ServerResponse): Promise<void> {
    const chunks: Buffer[] = [];
    for await (const chunk of req) chunks.push(chunk as Buffer);
    const raw = Buffer.concat(chunks).toString('utf8');
    let body: unknown = raw;
    try {
      body = raw ? JSON.parse(raw) : undefined;
    } catch {
      // recorded as text
    }
    const url = new URL(req.url ?? '/', 'http://fake');
    const headers = Object.fromEntries(Object.entries(req.headers).map(([k, v]) => [k, Array.isArray(v) ? v.join(', ') : (v ?? '')]));
    requests.push({ method: req.method ?? 'GET', path: url.pathname + url.search, headers, body });

    if (opts.inspect && req.method === 'GET' && url.pathname === '/__fake/sent') return reply(res, 200, { sent });

    const delay = delays.shift();
    if (delay) await new Promise((r) => setTimeout(r, delay));
    if (res.destroyed) return;

    const failure = failures.shift();
    if (failure) return reply(res, failure.status, { error: { ...defaultError(failure.status), ...failure.error } });

    if (headers.authorization !== `Bearer ${accessToken}`) {
      return reply(res, 401, { error: graphError('Error validating access token: The session is invalid because the user logged out.', 'OAuthException', 190, 460) });
    }

    const parts = url.pathname.split('/').filter(Boolean);
    if (/^v\d+\.\d+$/.test(parts[0] ?? '')) parts.shift();
    const [id, edge] = parts;
    const number = id ? numbers.get(id) : undefined;
    if (!id || !number) {
      return reply(res, 400, {
        error: graphError(`Unsupported ${req.method?.toLowerCase()} request. Object with ID '${id ?? ''}' does not exist, cannot be loaded due to missing permissions, or does not support this operation.`, 'GraphMethodException', 100, 33),
      });
    }

    if (req.method === 'GET' && !edge) {
      const fields = (url.searchParams.get('fields') ?? 'display_phone_number,verified_name').split(',');
      const out: Record<string, string> = { id };
      if (fields.includes('display_phone_number')) out.display_phone_number = number.displayPhoneNumber;
      if (fields.includes('verified_name')) out.verified_name = number.verifiedName;
      return reply(res, 200, out);
    }

    if (req.method === 'POST' && edge === 'messages') {
      const m = body as { messaging_product?: string; to?: string; type?: string; text?: { body?: string } } | undefined;
      if (m?.messaging_product !== 'whatsapp' || !m.to || m.type !== 'text' || typeof m.text?.body !== 'string') {
        return reply(res, 400, { error: graphError('(#100) Invalid parameter', 'OAuthException', 100) });
      }
      const to = m.to.replace(/\D/g, '');
      const messageId = `wamid.${randomBytes(24).toString('base64url')}`;
      sent.push({ phoneNumberId: id, to, text: m.text.body, id: messageId });
      const replyDelay = replyDelays.shift();
      if (replyDelay) await new Promise((r) => setTimeout(r, replyDelay));
      if (res.destroyed) return;
      return reply(res, 200, { messaging_product: 'whatsapp', contacts: [{ input: m.to, wa_id: to }], messages: [{ id: messageId }] });
    }

    return reply(res, 400, { error: graphError('Unknown path components', 'OAuthException', 2500) });
  }

  await new Promise<void>((resolve) => server.listen(opts.port ?? 0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;

  return {
    url: `http://127.0.0.1:${port}/${API_VERSION}`,
    requests,
    failNext(count, status, error) {
      for (let i = 0; i < count; i++) failures.push({ status, error });
    },
    delayNext(count, ms) {
      for (let i = 0; i < count; i++) delays.push(ms);
    },
    delayReplyNext(count, ms) {
      for (let i = 0; i < count; i++) replyDelays.push(ms);
    },
    setAccessToken(token) {
      accessToken = token;
    },
    addPhoneNumber(phoneNumberId, number) {
      numbers.set(phoneNumberId, number);
    },
    sentMessages: () => [...sent],
    reset() {
      requests.length = 0;
      sent.length = 0;
      failures = [];
      delays = [];
      replyDelays = [];
    },
    close: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}

function reply(res: ServerResponse, status: number, body: unknown): void {
  res.writeHead(status, { 'content-type': 'application/json' });
  res.end(JSON.stringify(body));
}

function graphError(message: string, type: string, code: number, subcode?: number): GraphErrorBody {
  return { message, type, code, ...(subcode ? { error_subcode: subcode } : {}), fbtrace_id: randomBytes(8).toString('base64url') };
}

function defaultError(status: number): GraphErrorBody {
  if (status === 429) return graphError('(#130429) Rate limit hit', 'OAuthException', 130429);
  if (status >= 500) return graphError('An unexpected error has occurred. Please retry your request later.', 'OAuthException', 2);
  if (status === 401) return graphError('Error validating access token: Session has expired.', 'OAuthException', 190, 463);
  return graphError('(#131009) Parameter value is not valid', 'OAuthException', 131009);
}

// --- Webhook deliveries in Meta's format -------------------------------------------------------

/** One item of a `messages` change: a message (with its sender's contact card) or a status. */
export interface CloudWebhookEvent {
  contact?: { profile: { name: string }; wa_id: string };
  message?: Record<string, unknown>;
  status?: Record<string, unknown>;
}

export interface WebhookChangeSpec {
  phoneNumberId: string;
  displayPhoneNumber?: string;
  events: CloudWebhookEvent[];
}

export interface WebhookEntrySpec {
  /** The WhatsApp Business Account id. */
  wabaId?: string;
  changes: WebhookChangeSpec[];
}

/** A unique WhatsApp-style message id. */
export function wamid(): string {
  return `wamid.HBgL${randomBytes(24).toString('base64url')}`;
}

const unix = (d: Date) => String(Math.floor(d.getTime() / 1000));

interface MessageSpec {
  from: string;
  /** Profile name sent in value.contacts. */
  name?: string;
  id?: string;
  at?: Date;
}

function inbound(spec: MessageSpec, type: string, content: Record<string, unknown>): CloudWebhookEvent {
  return {
    ...(spec.name ? { contact: { profile: { name: spec.name }, wa_id: spec.from } } : {}),
    message: { from: spec.from, id: spec.id ?? wamid(), timestamp: unix(spec.at ?? new Date()), type, ...content },
  };
}

export function cloudTextMessage(spec: MessageSpec & { text: string }): CloudWebhookEvent {
  return inbound(spec, 'text', { text: { body: spec.text } });
}

export function cloudImageMessage(spec: MessageSpec & { caption?: string }): CloudWebhookEvent {
  return inbound(spec, 'image', {
    image: {
      ...(spec.caption !== undefined ? { caption: spec.caption } : {}),
      mime_type: 'image/jpeg',
      sha256: randomBytes(32).toString('base64'),
      id: String(1_000_000_000_000 + Math.floor(Math.random() * 1e12)),
    },
  });
}

/** Any other message type, with its type-specific object as Meta nests it (`{ location: {...} }`). */
export function cloudMessage(spec: MessageSpec & { type: string; content?: Record<string, unknown> }): CloudWebhookEvent {
  return inbound(spec, spec.type, spec.content ?? {});
}

export function cloudStatus(spec: {
  id: string;
  status: 'sent' | 'delivered' | 'read' | 'failed';
  recipient: string;
  at?: Date;
  error?: { code: number; title: string; message?: string };
}): CloudWebhookEvent {
  return {
    status: {
      id: spec.id,
      status: spec.status,
      timestamp: unix(spec.at ?? new Date()),
      recipient_id: spec.recipient,
      ...(spec.status !== 'failed'
        ? { conversation: { id: randomBytes(16).toString('hex'), origin: { type: 'service' } }, pricing: { billable: true, pricing_model: 'CBP', category: 'service' } }
        : {}),
      ...(spec.error
        ? { errors: [{ code: spec.error.code, title: spec.error.title, message: spec.error.message ?? spec.error.title, error_data: { details: spec.error.message ?? spec.error.title } }] }
        : {}),
    },
  };
}

/** A whole delivery: `{ object: 'whatsapp_business_account', entry: [...] }`. */
export function webhookBody(entries: WebhookEntrySpec[]): Record<string, unknown> {
  return {
    object: 'whatsapp_business_account',
    entry: entries.map((entry) => ({
      id: entry.wabaId ?? '102290129340398',
      changes: entry.changes.map((change) => {
        const contacts = change.events.flatMap((e) => (e.contact ? [e.contact] : []));
        const messages = change.events.flatMap((e) => (e.message ? [e.message] : []));
        const statuses = change.events.flatMap((e) => (e.status ? [e.status] : []));
        return {
          value: {
            messaging_product: 'whatsapp',
            metadata: { display_phone_number: (change.displayPhoneNumber ?? FAKE_DISPLAY_PHONE).replace(/\D/g, ''), phone_number_id: change.phoneNumberId },
            ...(contacts.length ? { contacts } : {}),
            ...(messages.length ? { messages } : {}),
            ...(statuses.length ? { statuses } : {}),
          },
          field: 'messages',
        };
      }),
    })),
  };
}

/** Shorthand: one entry with one change for one phone number. */
export function webhookFor(phoneNumberId: string, ...events: CloudWebhookEvent[]): Record<string, unknown> {
  return webhookBody([{ changes: [{ phoneNumberId, events }] }]);
}

/** `X-Hub-Signature-256` as Meta computes it (written out here, independent of the app's code). */
export function signWebhook(appSecret: string, raw: string | Buffer): string {
  return `sha256=${createHmac('sha256', appSecret).update(raw).digest('hex')}`;
}
