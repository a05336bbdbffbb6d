// The two Graph API calls Parley makes for a Cloud API bot. `baseUrl` includes the API version
// (WHATSAPP_GRAPH_URL); tests point it at test/fake-graph-server.ts.

const DEFAULT_TIMEOUT_MS = 10_000;
const MAX_ERROR_MESSAGE = 300;

// Graph error codes that mean "later, not never" even when the HTTP status is a 4xx:
// temporary service errors, app/number rate limits, throughput and pair-rate limits.
const TRANSIENT_CODES = new Set([1, 2, 4, 17, 341, 80007, 130429, 131056, 133004]);

/** A failed Graph call. `transient` failures are worth retrying; the rest will fail again. */
export class GraphError extends Error {
  readonly transient: boolean;
  readonly status?: number;
  readonly code?: number;

  constructor(message: string, opts: { transient: boolean; status?: number; code?: number; cause?: unknown }) {
    super(message, { cause: opts.cause });
    this.name = 'GraphError';
    this.transient = opts.transient;
    this.status = opts.status;
    this.code = opts.code;
  }
}

interface GraphCall {
  baseUrl: string;
  phoneNumberId: string;
  accessToken: string;
  /** Tests shorten it; 10 s otherwise. */
  timeoutMs?: number;
}

export async function sendCloudText(opts: GraphCall & { to: string; text: string }): Promise<{ externalId: string }> {
  const body = {
    messaging_product: 'whatsapp',
    recipient_type: 'individual',
    to: opts.to,
    type: 'text',
    text: { body: opts.text, preview_url: false },
  };
  const data = await graphRequest(opts, 'POST', `/${encodeURIComponent(opts.phoneNumberId)}/messages`, body);
  const id = (data as { messages?: { id?: unknown }[] } | null)?.messages?.[0]?.id;
  // Not transient: the message may well have gone out, and a retry would send it twice.
  if (typeof id !== 'string' || !id) throw new GraphError('The WhatsApp Cloud API accepted the message but returned no message id.', { transient: false });
  return { externalId: id };
}

export async function getCloudPhoneNumber(opts: GraphCall): Promise<{ phoneNumber: string; displayName: string }> {
  const data = (await graphRequest(opts, 'GET', `/${encodeURIComponent(opts.phoneNumberId)}?fields=display_phone_number,verified_name`)) as {
    display_phone_number?: unknown;
    verified_name?: unknown;
  } | null;
  const phoneNumber = typeof data?.display_phone_number === 'string' ? data.display_phone_number.replace(/\D/g, '') : '';
  if (!phoneNumber) throw new GraphError('The WhatsApp Cloud API returned no phone number for this phone number ID.', { transient: false });
  return { phoneNumber, displayName: typeof data?.verified_name === 'string' ? data.verified_name : '' };
}

async function graphRequest(call: GraphCall, method: 'GET' | 'POST', path: string, body?: unknown): Promise<unknown> {
  const url = call.baseUrl.replace(/\/+$/, '') + path;
  let res: Response;
  let text: string;
  try {
    res = await fetch(url, {
      method,
      headers: {
        authorization: `Bearer ${call.accessToken}`,
        accept: 'application/json',
        ...(body === undefined ? {} : { 'content-type': 'application/json' }),
      },
      body: body === undefined ? undefined : JSON.stringify(body),
      signal: AbortSignal.timeout(call.timeoutMs ?? DEFAULT_TIMEOUT_MS),
    });
    text = await res.text();
  } catch (err) {
    const timedOut = err instanceof Error && (err.name === 'TimeoutError' || err.name === 'AbortError');
    const message = timedOut
      ? 'The WhatsApp Cloud API did not answer in time.'
      : `Could not reach the WhatsApp Cloud API (${networkReason(err)}).`;
    throw new GraphError(message, { transient: true, cause: err });
  }

  let data: unknown = null;
  try {
    data = text ? JSON.parse(text) : null;
  } catch {
    // An HTML error page from a proxy: the status decides below.
  }
  if (res.ok) return data;

  const error = (data as { error?: { message?: unknown; code?: unknown } } | null)?.error;
  const code = typeof error?.code === 'number' ? error.code : undefined;
  const transient = res.status >= 500 || res.status === 429 || (code !== undefined && TRANSIENT_CODES.has(code));
  const graphMessage = typeof error?.message === 'string' && error.message.trim() ? error.message.trim() : `HTTP ${res.status}`;
  throw new GraphError(scrub(graphMessage, call.accessToken).slice(0, MAX_ERROR_MESSAGE), { transient, status: res.status, code });
}

/** Graph sometimes quotes what it was sent; a token must never reach a log or a UI through it. */
function scrub(message: string, token: string): string {
  return token ? message.split(token).join('[redacted]') : message;
}

function networkReason(err: unknown): string {
  const cause = (err as { cause?: { code?: unknown; message?: unknown } } | null)?.cause;
  if (typeof cause?.code === 'string') return cause.code;
  return err instanceof Error ? err.message : 'network error';
}
