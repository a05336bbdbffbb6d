import { compact, type ServerEventName, type ServerEventPayload, type SessionStatus } from '@/lib/realtime/events';

// Server-Sent Events fan-out (DESIGN section 4). publish() hands every event here as well as to
// Socket.IO; events for a bot's session room are kept in a bounded per-bot buffer with
// increasing ids, so a client that reconnects with Last-Event-ID gets exactly what it missed.

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
  id: number;
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

interface BotStream {
  seq: number;
  status: SessionStatus;
  buffer: SseEvent[];
  clients: Set<SseClient>;
}

export class SseHub {
  private readonly streams = new Map<string, BotStream>();

  constructor(private readonly bufferSize = 200) {}

  dispatch<E extends ServerEventName>(rooms: readonly string[], event: E, payload: ServerEventPayload<E>): void {
    for (const room of rooms) {
      if (!room.startsWith('session:')) continue;
      const data = this.toSse(room.slice('session:'.length), event, payload);
      if (data) this.push(data);
    }
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
  since(botId: string, lastId: number): SseEvent[] | null {
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
    let n = 0;
    for (const s of this.streams.values()) {
      for (const c of [...s.clients]) {
        if (c.userId === userId && c.workspaceId === workspaceId) {
          c.close();
          n++;
        }
      }
    }
    return n;
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

  private toSse<E extends ServerEventName>(botId: string, event: E, payload: ServerEventPayload<E>): SseData | null {
    const current = this.streams.get(botId)?.status ?? 'DISCONNECTED';
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
}
