import { compact, type ServerEventName, type ServerEventPayload, type SessionStatus } from '@/lib/realtime/events';

// Server-Sent Events fan-out (DESIGN section 4). publish() hands every event here as well as to
// Socket.IO; events for a bot's session room are kept in a bounded per-bot buffer with
// increasing ids, so a client that reconnects with Last-Event-ID gets exactly what it missed.
// SseHub keeps the buffers in this process (one node); with REDIS_URL the RedisSseHub
// (server/cluster/redis-sse-hub.ts) keeps them in Redis streams and every node's subscribers
// get every event. Both serve the SSE handler through the SseBroker interface.

export type SseEventType = 'connected' | 'disconnected' | 'qr_updated' | 'status' | 'error';

export interface SseData {
  type: SseEventType;
  botId: string;
  sessionId: string;
  phoneNumber?: string;
  displayName?: string;
  qrCode?: string;
  status: SessionStatus;
  reason?: string;
  error?: string;
  timestamp: string;
}

export interface SseEvent {
  /** Absent only for an event delivered while Redis was unreachable (it has no place in the shared buffer). */
  id?: number;
  data: SseData;
}

export interface SseClient {
  send(event: SseEvent): void;
  /** Ends the stream (server shutdown, or the reader lost access). */
  close(): void;
  /** Who reads the stream and the bot's workspace, so a membership change can end it. */
  userId?: string;
  workspaceId?: string;
}

/** What the SSE handler needs, in one process or across nodes. */
export interface SseBroker {
  dispatch<E extends ServerEventName>(rooms: readonly string[], event: E, payload: ServerEventPayload<E>): void;
  /**
   * Attaches a client to a bot's stream: first what it missed after `lastId` (when the buffer
   * still reaches back that far), else the snapshot (numbered with the newest id); then live
   * events, none twice and none lost in between. Resolves with the unsubscribe function.
   */
  open(botId: string, client: SseClient, lastId: number | null, snapshot: () => Promise<SseData>): Promise<() => void>;
  /** Shutdown: end every stream so the http server can close. */
  closeAll(): void;
  /** Ends this node's streams of one user in one workspace (removed, or no longer allowed to watch sessions). */
  closeFor(userId: string, workspaceId: string): number;
  clientCount(): number;
}

/** closeFor over a node's own clients, per bot. */
export function closeClientsOf(clients: Iterable<Iterable<SseClient>>, userId: string, workspaceId: string): number {
  let n = 0;
  for (const set of clients) {
    for (const c of [...set]) {
      if (c.userId === userId && c.workspaceId === workspaceId) {
        c.close();
        n++;
      }
    }
  }
  return n;
}

/**
 * Holds a client's live events until its replay or snapshot is written, then passes each event
 * once, in id order (events without an id always pass).
 */
export class GatedClient implements SseClient {
  private held: SseEvent[] | null = [];
  private last = -1;

  constructor(private readonly inner: SseClient) {}

  get userId(): string | undefined {
    return this.inner.userId;
  }

  get workspaceId(): string | undefined {
    return this.inner.workspaceId;
  }

  send(event: SseEvent): void {
    if (this.held) this.held.push(event);
    else this.pass(event);
  }

  /** Writes `first` (replay or snapshot), then what arrived meanwhile. */
  release(first: readonly SseEvent[]): void {
    const held = this.held ?? [];
    this.held = null;
    for (const e of first) this.pass(e);
    for (const e of held) this.pass(e);
  }

  /** The newest id written to the client (-1 before any). */
  get lastSent(): number {
    return this.last;
  }

  close(): void {
    this.inner.close();
  }

  private pass(e: SseEvent): void {
    if (e.id !== undefined) {
      if (e.id <= this.last) return;
      this.last = e.id;
    }
    this.inner.send(e);
  }
}

/** The shared part of `open`: subscribe held, read the replay or the snapshot, release. */
export async function openGated(
  broker: {
    subscribe(botId: string, client: SseClient): () => void;
    since(botId: string, lastId: number): SseEvent[] | null | Promise<SseEvent[] | null>;
    lastId(botId: string): number | Promise<number>;
  },
  botId: string,
  client: SseClient,
  lastId: number | null,
  snapshot: () => Promise<SseData>,
): Promise<() => void> {
  const gate = new GatedClient(client);
  const off = broker.subscribe(botId, gate);
  try {
    const missed = lastId === null ? null : await broker.since(botId, lastId);
    if (missed) {
      gate.release(missed);
    } else {
      // The id first: anything newer than it is held and follows the snapshot.
      const id = await broker.lastId(botId);
      gate.release([{ id, data: await snapshot() }]);
    }
  } catch (err) {
    off();
    throw err;
  }
  return off;
}

interface BotStream {
  seq: number;
  status: SessionStatus;
  buffer: (SseEvent & { id: number })[];
  clients: Set<SseClient>;
}

export class SseHub implements SseBroker {
  private readonly streams = new Map<string, BotStream>();

  constructor(private readonly bufferSize = 200) {}

  dispatch<E extends ServerEventName>(rooms: readonly string[], event: E, payload: ServerEventPayload<E>): void {
    for (const room of rooms) {
      if (!room.startsWith('session:')) continue;
      const botId = room.slice('session:'.length);
      const data = toSseData(botId, event, payload, this.streams.get(botId)?.status ?? 'DISCONNECTED');
      if (data) this.push(data);
    }
  }

  open(botId: string, client: SseClient, lastId: number | null, snapshot: () => Promise<SseData>): Promise<() => void> {
    return openGated(this, botId, client, lastId, snapshot);
  }

  subscribe(botId: string, client: SseClient): () => void {
    const stream = this.stream(botId);
    stream.clients.add(client);
    return () => {
      stream.clients.delete(client);
      if (stream.clients.size === 0 && stream.buffer.length === 0) this.streams.delete(botId);
    };
  }

  /** Events after `lastId`, or null when the buffer no longer reaches back that far. */
  since(botId: string, lastId: number): (SseEvent & { id: number })[] | null {
    const stream = this.streams.get(botId);
    if (!stream) return lastId === 0 ? [] : null;
    if (lastId > stream.seq) return null;
    const first = stream.buffer[0];
    if (first && lastId < first.id - 1) return null;
    if (!first && lastId < stream.seq) return null;
    return stream.buffer.filter((e) => e.id > lastId);
  }

  lastId(botId: string): number {
    return this.streams.get(botId)?.seq ?? 0;
  }

  /** Shutdown: end every stream so the http server can close. */
  closeAll(): void {
    for (const s of this.streams.values()) for (const c of [...s.clients]) c.close();
  }

  /** Ends the streams of one user in one workspace (removed, or no longer allowed to watch sessions). */
  closeFor(userId: string, workspaceId: string): number {
    return closeClientsOf([...this.streams.values()].map((s) => s.clients), userId, workspaceId);
  }

  clientCount(): number {
    let n = 0;
    for (const s of this.streams.values()) n += s.clients.size;
    return n;
  }

  private stream(botId: string): BotStream {
    let s = this.streams.get(botId);
    if (!s) this.streams.set(botId, (s = { seq: 0, status: 'DISCONNECTED', buffer: [], clients: new Set() }));
    return s;
  }

  private push(data: SseData): void {
    const stream = this.stream(data.botId);
    stream.status = data.status;
    const event = { id: ++stream.seq, data };
    stream.buffer.push(event);
    if (stream.buffer.length > this.bufferSize) stream.buffer.shift();
    for (const client of stream.clients) client.send(event);
  }
}

/** A published event as the SSE contract shows it (null: not part of it). `current` is the bot's last known status. */
export function toSseData<E extends ServerEventName>(botId: string, event: E, payload: ServerEventPayload<E>, current: SessionStatus): SseData | null {
  switch (event) {
    case 'qr_code_updated': {
      const p = payload as ServerEventPayload<'qr_code_updated'>;
      return { type: 'qr_updated', botId, sessionId: p.sessionId, qrCode: p.qrCode, status: 'QR_REQUIRED', timestamp: p.timestamp };
    }
    case 'session_status_changed': {
      const p = payload as ServerEventPayload<'session_status_changed'>;
      const type: SseEventType =
        p.status === 'CONNECTED' ? 'connected' : ['DISCONNECTED', 'LOGGED_OUT', 'ERROR'].includes(p.status) ? 'disconnected' : 'status';
      return compact({
        type,
        botId,
        sessionId: p.sessionId,
        status: p.status,
        phoneNumber: p.phoneNumber,
        displayName: p.displayName,
        reason: p.reason,
        timestamp: p.timestamp,
      });
    }
    case 'connection_error': {
      const p = payload as ServerEventPayload<'connection_error'>;
      return { type: 'error', botId, sessionId: p.sessionId, status: current, reason: p.code, error: p.error, timestamp: p.timestamp };
    }
    default:
      // Pairing codes and workspace-level events are not part of the SSE contract.
      return null;
  }
}
