import pg from 'pg';
import { io, type Socket } from 'socket.io-client';
import type { Cache, ScopedMutator } from 'swr';
import { READ_AT_HEADER } from '@/lib/api/read-at';
import { applyPush, threadKey, type SwrHandle } from '@/lib/client/inbox-cache';
import { conversationsGetKey, DEFAULT_FILTER, messagesGetKey, MESSAGES_PAGE_SIZE, unreadKey, type InboxFilter } from '@/lib/client/inbox-keys';
import { flattenPages } from '@/lib/client/inbox-lists';
import { flattenThread } from '@/lib/client/inbox-threads';
import { createPushReplay } from '@/lib/client/push-replay';
import type { MessageSyncEvent } from '@/lib/realtime/events';
import type { ConversationPage, MessagePage, UnreadSummary } from '@/lib/services/conversations/views';
import type { Client } from './http-client';

// An inbox agent for the fault suite: one Socket.IO connection and an SWR-shaped cache, written
// by the browser's own code (lib/client/inbox-cache.ts applyPush, push-replay.ts): the
// conversation list, the unread summary and a few open threads, kept live by pushes, caught up
// after a reconnect as the browser does (recovered: the replayed events; not recovered: refetch
// every loaded key, then the pushes since each read replayed onto it).

const EVENTS: MessageSyncEvent['type'][] = ['new_message', 'conversation_updated', 'message_status_updated'];
const INF = '$inf$';
/** Every conversation the burst creates on one page (the browser loads 30 and scrolls). */
const LIST_LIMIT = 100;

export interface AgentView {
  /** Conversation id → what the list shows. */
  list: Map<string, { unread: number; lastBody: string | null; lastActivityAt: string }>;
  unreadTotal: number;
  unread: Record<string, number>;
  /** Open threads: conversation id → message ids, oldest first. */
  threads: Map<string, string[]>;
}

export class InboxAgent {
  readonly cache = new Map<string, { data?: unknown }>();
  readonly swr: SwrHandle;
  readonly replay = createPushReplay();
  readonly filter: InboxFilter;
  socket!: Socket;
  pushes = 0;
  reconnects: { recovered: boolean }[] = [];
  private openThreads: string[] = [];
  private refetching: Promise<void> = Promise.resolve();

  constructor(
    readonly base: string,
    readonly client: Client,
    readonly workspaceId: string,
  ) {
    const cache = this.cache;
    const mutate = ((key: string, data: unknown) => {
      cache.set(key, { data });
      return Promise.resolve(data);
    }) as unknown as ScopedMutator;
    this.swr = { cache: cache as unknown as Cache, mutate };
    this.filter = { ...DEFAULT_FILTER, workspaceId };
  }

  get listKey(): string {
    return conversationsGetKey(this.filter, LIST_LIMIT)(0, null)!;
  }

  async connect(): Promise<void> {
    this.socket = io(this.base, { transports: ['websocket'], extraHeaders: { cookie: this.client.cookie! } });
    for (const type of EVENTS) {
      this.socket.on(type, (payload: unknown) => {
        const e = { type, payload } as unknown as MessageSyncEvent;
        this.pushes++;
        this.replay.record(e);
        applyPush(this.swr, e);
      });
    }
    let first = true;
    this.socket.on('connect', () => {
      if (first) {
        first = false;
        return;
      }
      // As the browser: a recovered connection got every missed event; otherwise refetch.
      const recovered = this.socket.recovered === true;
      this.reconnects.push({ recovered });
      if (!recovered) this.refetching = this.loadAll();
    });
    await new Promise<void>((resolve, reject) => {
      this.socket.once('connected', () => resolve());
      this.socket.once('connect_error', reject);
    });
  }

  /** The list, the unread summary and these threads, as the inbox page loads them. */
  async open(threads: string[]): Promise<void> {
    this.openThreads = threads;
    await this.loadAll();
  }

  /** Waits for a refetch after a reconnect, if one runs. */
  settled(): Promise<void> {
    return this.refetching;
  }

  private async fetchJson<T>(url: string): Promise<T> {
    const res = await this.client.request('GET', url);
    if (res.status !== 200) throw new Error(`GET ${url}: ${res.status}`);
    const body = (await res.json()) as T;
    this.replay.noteRead(url, Number(res.headers.get(READ_AT_HEADER)));
    return body;
  }

  /** Loads one key and applies the pushes published since the server read it (usePushReplay). */
  private async load<T>(url: string, cacheKey: string, write: (data: T) => void): Promise<void> {
    const data = await this.fetchJson<T>(url);
    write(data);
    for (const e of this.replay.since(url)) applyPush(this.swr, e, { only: cacheKey });
  }

  private async loadAll(): Promise<void> {
    const listUrl = this.listKey;
    const infList = INF + listUrl;
    await this.load<ConversationPage>(listUrl, infList, (page) => {
      this.cache.set(infList, { data: [page] });
      this.cache.set(listUrl, { data: page });
    });
    const unreadUrl = unreadKey(this.workspaceId);
    await this.load<UnreadSummary>(unreadUrl, unreadUrl, (s) => this.cache.set(unreadUrl, { data: s }));
    for (const id of this.openThreads) {
      const url = messagesGetKey(id)(0, null)!;
      const key = threadKey(id);
      await this.load<MessagePage>(url, key, (page) => {
        this.cache.set(key, { data: [page] });
        this.cache.set(url, { data: page });
      });
    }
  }

  view(): AgentView {
    const pages = this.cache.get(INF + this.listKey)?.data as ConversationPage[] | undefined;
    const list = new Map(
      flattenPages(pages).map((c) => [c.id, { unread: c.unreadCount, lastBody: c.lastMessage?.body ?? null, lastActivityAt: c.lastActivityAt }]),
    );
    const summary = this.cache.get(unreadKey(this.workspaceId))?.data as UnreadSummary | undefined;
    const threads = new Map<string, string[]>();
    for (const id of this.openThreads) {
      threads.set(
        id,
        flattenThread(this.cache.get(threadKey(id))?.data as MessagePage[] | undefined).map((m) => m.id),
      );
    }
    return { list, unreadTotal: summary?.total ?? -1, unread: summary?.conversations ?? {}, threads };
  }

  /**
   * Offline. 'network': the connection drops (the server may recover it: its events are kept);
   * 'client': this side said goodbye (nothing to recover: a refetch on return). No reconnecting
   * until `online()`.
   */
  offline(how: 'network' | 'client'): void {
    this.socket.io.reconnection(false);
    if (how === 'network') this.socket.io.engine.close();
    else this.socket.disconnect();
  }

  /** Back online; resolves once connected and caught up (replayed or refetched). */
  async online(): Promise<{ recovered: boolean }> {
    const before = this.reconnects.length;
    this.socket.io.reconnection(true);
    this.socket.connect();
    const deadline = Date.now() + 15_000;
    while (this.reconnects.length === before) {
      if (Date.now() > deadline) throw new Error('did not reconnect within 15 s');
      await new Promise((r) => setTimeout(r, 20));
    }
    await this.settled();
    return this.reconnects.at(-1)!;
  }

  close(): void {
    this.socket?.close();
  }
}

/** The same view, from the database: what every agent must converge to. */
export async function databaseView(databaseUrl: string, workspaceId: string, threads: readonly string[]): Promise<AgentView> {
  const client = new pg.Client({ connectionString: databaseUrl });
  await client.connect();
  try {
    const convs = await client.query<{ id: string; unread_count: number; last_message_body: string | null; last_activity_at: Date }>(
      `select id, unread_count, last_message_body, last_activity_at from conversations where workspace_id = $1 and status = 'open'`,
      [workspaceId],
    );
    const list = new Map(
      convs.rows.map((r) => [r.id, { unread: r.unread_count, lastBody: r.last_message_body, lastActivityAt: r.last_activity_at.toISOString() }]),
    );
    const unread: Record<string, number> = {};
    for (const r of convs.rows) if (r.unread_count > 0) unread[r.id] = r.unread_count;
    const out = new Map<string, string[]>();
    if (threads.length) {
      const msgs = await client.query<{ id: string; conversation_id: string }>(
        `select id, conversation_id from messages where conversation_id = any($1::uuid[]) order by seq`,
        [threads],
      );
      for (const id of threads) out.set(id, []);
      for (const m of msgs.rows) out.get(m.conversation_id)!.push(m.id);
    }
    return { list, unreadTotal: Object.values(unread).reduce((a, b) => a + b, 0), unread, threads: out };
  } finally {
    await client.end();
  }
}

/** What differs between an agent's view and the database's, in a few words per conversation. */
export function differences(agent: AgentView, db: AgentView): string[] {
  const out: string[] = [];
  for (const [id, want] of db.list) {
    const got = agent.list.get(id);
    if (!got) out.push(`${id}: missing from the list`);
    else if (got.unread !== want.unread || got.lastBody !== want.lastBody || got.lastActivityAt !== want.lastActivityAt) {
      out.push(`${id}: list shows ${JSON.stringify(got)}, database ${JSON.stringify(want)}`);
    }
  }
  for (const id of agent.list.keys()) if (!db.list.has(id)) out.push(`${id}: listed but not in the database`);
  if (agent.unreadTotal !== db.unreadTotal) out.push(`unread total ${agent.unreadTotal}, database ${db.unreadTotal}`);
  // A thread shows the newest messages: at least a page (or all there are), and exactly the
  // database's newest ones in order (a refetch loads the newest page; pushes append to it).
  for (const [id, got] of agent.threads) {
    const want = db.threads.get(id) ?? [];
    const tail = want.slice(Math.max(0, want.length - got.length));
    if (got.length < Math.min(want.length, MESSAGES_PAGE_SIZE) || got.length > want.length || got.some((m, i) => m !== tail[i])) {
      out.push(`${id}: thread has ${got.length} messages, not the database's newest (${want.length} in all)`);
    }
  }
  return out;
}
