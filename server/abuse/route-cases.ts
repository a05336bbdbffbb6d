import { readdirSync, readFileSync } from 'node:fs';
import path from 'node:path';
import type { AbuseWorld } from './abuse-world';

// Every REST route of the app, found on disk (app/api/**/route.ts and the methods each exports),
// with what the abuse suite needs to attack it: a valid body and query (the fuzzer breaks them
// field by field), the ids to put in its path, and what workspace B may get from it. A route
// added without a case here fails the suite.

const ROOT = path.resolve(import.meta.dirname, '../..');
export const METHODS = ['GET', 'POST', 'PUT', 'PATCH', 'DELETE'] as const;
export type Method = (typeof METHODS)[number];

/** `METHOD /api/…/[param]` for every exported handler under app/api. */
export function discoverRoutes(): string[] {
  const out: string[] = [];
  const walk = (dir: string) => {
    for (const entry of readdirSync(dir, { withFileTypes: true })) {
      const full = path.join(dir, entry.name);
      if (entry.isDirectory()) walk(full);
      else if (entry.name === 'route.ts') {
        const source = readFileSync(full, 'utf8');
        const pattern = '/' + path.relative(path.join(ROOT, 'app'), path.dirname(full)).split(path.sep).join('/');
        for (const m of METHODS) {
          if (new RegExp(`export (const ${m}\\b|async function ${m}\\b|function ${m}\\b)`).test(source)) out.push(`${m} ${pattern}`);
        }
      }
    }
  };
  walk(path.join(ROOT, 'app', 'api'));
  return out.sort();
}

/** What workspace B may get from a route aimed at A's resources. */
export type CrossTenant =
  /** A's id in the path, query or body: 403 or 404, nothing of A's. */
  | { kind: 'denied' }
  /** Only ever about the caller (their account, token, sign-out) or public: any status, nothing of A's. */
  | { kind: 'self'; why: string }
  /** A signed webhook: B cannot sign for A, so 401/403. */
  | { kind: 'unsigned' };

export interface RouteCase {
  /** A valid body (the fuzzer breaks it); absent = the route reads no body. */
  body?: (w: AbuseWorld) => Record<string, unknown>;
  /** Fields the body cannot do without (the "missing fields" case sends none of them). */
  required?: string[];
  /** A valid query (the fuzzer breaks each key); absent = the route reads none. */
  query?: (w: AbuseWorld) => Record<string, string>;
  /** Who calls it in the fuzz run: A on A's own resources, or nobody signed in. */
  caller: 'a' | 'public';
  /** Not fuzzed here, with the reason (the signature suite and webhook fuzz cover them). */
  skipFuzz?: string;
  crossTenant: CrossTenant;
  /** B's attempt: the body and query B sends (defaults: body(), query() with A's ids). */
  crossBody?: (w: AbuseWorld) => Record<string, unknown>;
  crossQuery?: (w: AbuseWorld) => Record<string, string>;
  /** Secrets of A's this refusal may name, and why (by design, not a leak). */
  mayShow?: { secrets: string[]; why: string };
}

const settings = { welcomeMessage: 'Hi', autoReplies: [] };
const aWorkspace = (w: AbuseWorld) => ({ workspaceId: w.a.workspaceId });

export const ROUTE_CASES: Record<string, RouteCase> = {
  'GET /api/health': { caller: 'public', crossTenant: { kind: 'self', why: 'public liveness, no tenant data' } },
  'GET /api/metrics': { caller: 'public', crossTenant: { kind: 'self', why: 'node-wide counts only' } },
  'POST /api/v1/auth/sign-up': {
    caller: 'public',
    body: () => ({ email: 'new-user@example.com', password: 'long-enough-password', name: 'New User' }),
    required: ['email', 'password', 'name'],
    crossTenant: { kind: 'self', why: "signing up with A's address is refused (409), reveals nothing else" },
    crossBody: (w) => ({ email: w.aEmail, password: 'long-enough-password', name: 'Impostor' }),
  },
  'POST /api/v1/auth/sign-in': {
    caller: 'public',
    body: () => ({ email: 'nobody@example.com', password: 'wrong-password' }),
    required: ['email', 'password'],
    crossTenant: { kind: 'self', why: "B guessing A's password: 401" },
    crossBody: (w) => ({ email: w.aEmail, password: 'guessed-password' }),
  },
  'POST /api/v1/auth/sign-out': { caller: 'a', skipFuzz: 'reads no input; would end the fuzzing session', crossTenant: { kind: 'self', why: 'ends only the caller’s own session' } },
  'POST /api/v1/auth/token': { caller: 'a', skipFuzz: 'reads no input', crossTenant: { kind: 'self', why: 'a token for the caller' } },
  'GET /api/v1/auth/session': { caller: 'a', crossTenant: { kind: 'self', why: 'the caller’s own account' } },
  'POST /api/v1/auth/session': { caller: 'a', skipFuzz: 'reads no input (provider token in the header)', crossTenant: { kind: 'self', why: 'local provider: refused' } },
  'GET /api/v1/bots': { caller: 'a', query: aWorkspace, crossTenant: { kind: 'denied' } },
  'POST /api/v1/bots': {
    caller: 'a',
    body: (w) => ({ name: 'Fuzz bot', description: 'd', channel: 'whatsapp_web', settings, workspaceId: w.a.workspaceId }),
    required: ['name'],
    crossTenant: { kind: 'denied' },
  },
  'GET /api/v1/bots/[botId]': { caller: 'a', crossTenant: { kind: 'denied' } },
  'PATCH /api/v1/bots/[botId]': { caller: 'a', body: () => ({ name: 'Renamed', description: 'd', settings }), crossTenant: { kind: 'denied' } },
  'DELETE /api/v1/bots/[botId]': { caller: 'a', skipFuzz: 'reads no input; would delete the target', crossTenant: { kind: 'denied' } },
  'POST /api/v1/bots/[botId]/connect': { caller: 'a', body: () => ({ method: 'pairing_code', phoneNumber: '15550009999' }), crossTenant: { kind: 'denied' } },
  'POST /api/v1/bots/[botId]/logout': { caller: 'a', skipFuzz: 'reads no input; would unlink the target', crossTenant: { kind: 'denied' } },
  'GET /api/v1/bots/[botId]/events': { caller: 'a', query: () => ({ limit: '10', before: '1000' }), crossTenant: { kind: 'denied' } },
  'PUT /api/v1/bots/[botId]/cloud-api': {
    caller: 'a',
    body: (w) => ({ phoneNumberId: '106540352242922', accessToken: 'EAAG-abuse-test-access-token', appSecret: w.metaSecretA, verifyToken: 'another-verify-token' }),
    required: ['phoneNumberId', 'accessToken', 'appSecret', 'verifyToken'],
    crossTenant: { kind: 'denied' },
    crossBody: () => ({ phoneNumberId: '106540352242922', accessToken: 'EAAG-b-guess-access-token-000', appSecret: 'b'.repeat(32), verifyToken: 'b-verify-token' }),
  },
  'DELETE /api/v1/bots/[botId]/cloud-api': { caller: 'a', skipFuzz: 'reads no input; would unlink the target', crossTenant: { kind: 'denied' } },
  'GET /api/v1/whatsapp/session-status/[botId]': { caller: 'a', crossTenant: { kind: 'denied' } },
  'GET /api/v1/conversations': {
    caller: 'a',
    query: (w) => ({ workspaceId: w.a.workspaceId, botId: w.linkedBot.id, status: 'open', assignee: 'all', q: 'order', cursor: 'abc', limit: '10' }),
    crossTenant: { kind: 'denied' },
    crossQuery: (w) => ({ workspaceId: w.a.workspaceId }),
  },
  'GET /api/v1/conversations/unread': { caller: 'a', query: aWorkspace, crossTenant: { kind: 'denied' } },
  'GET /api/v1/conversations/[conversationId]': { caller: 'a', crossTenant: { kind: 'denied' } },
  'PATCH /api/v1/conversations/[conversationId]': { caller: 'a', body: (w) => ({ assigneeId: w.a.userId, botPaused: true, status: 'resolved' }), crossTenant: { kind: 'denied' } },
  'POST /api/v1/conversations/[conversationId]/read': { caller: 'a', skipFuzz: 'reads no input', crossTenant: { kind: 'denied' } },
  'GET /api/v1/conversations/[conversationId]/messages': { caller: 'a', query: () => ({ before: '100', limit: '10' }), crossTenant: { kind: 'denied' } },
  'POST /api/v1/conversations/[conversationId]/messages': { caller: 'a', body: () => ({ text: 'Hello' }), required: ['text'], crossTenant: { kind: 'denied' } },
  'POST /api/v1/conversations/[conversationId]/messages/[messageId]/retry': { caller: 'a', skipFuzz: 'reads no input', crossTenant: { kind: 'denied' } },
  'PATCH /api/v1/workspaces/[workspaceId]': { caller: 'a', body: () => ({ name: 'Renamed workspace' }), required: ['name'], crossTenant: { kind: 'denied' } },
  'POST /api/v1/workspaces/[workspaceId]/select': { caller: 'a', skipFuzz: 'reads no input', crossTenant: { kind: 'denied' } },
  'GET /api/v1/workspaces/[workspaceId]/members': { caller: 'a', crossTenant: { kind: 'denied' } },
  'PATCH /api/v1/workspaces/[workspaceId]/members/[userId]': { caller: 'a', body: () => ({ role: 'admin' }), required: ['role'], crossTenant: { kind: 'denied' } },
  'DELETE /api/v1/workspaces/[workspaceId]/members/[userId]': { caller: 'a', skipFuzz: 'reads no input; would remove the member', crossTenant: { kind: 'denied' } },
  'GET /api/v1/workspaces/[workspaceId]/invites': { caller: 'a', crossTenant: { kind: 'denied' } },
  'POST /api/v1/workspaces/[workspaceId]/invites': { caller: 'a', body: () => ({ email: 'dave@a.example', role: 'agent' }), required: ['email', 'role'], crossTenant: { kind: 'denied' } },
  'DELETE /api/v1/workspaces/[workspaceId]/invites/[inviteId]': { caller: 'a', skipFuzz: 'reads no input; would revoke the invitation', crossTenant: { kind: 'denied' } },
  'POST /api/v1/invites/accept': {
    caller: 'a',
    body: () => ({ token: 'x'.repeat(43) }),
    required: ['token'],
    crossTenant: { kind: 'denied' },
    crossBody: (w) => ({ token: w.inviteToken }),
    // B holds A's invitation link here: its holder is told which address it is for, so the right
    // person can switch accounts (README "Teams and roles"; e2e/teams.spec.ts).
    mayShow: { secrets: ['carol@a.example'], why: 'the link holder is told the invited address' },
  },
  'GET /api/dev/simulator/bots/[botId]/messages': { caller: 'a', crossTenant: { kind: 'denied' } },
  'POST /api/dev/simulator/bots/[botId]/messages': { caller: 'a', body: () => ({ from: '15550003333', name: 'Fuzz', text: 'hi' }), required: ['from', 'text'], crossTenant: { kind: 'denied' } },
  'POST /api/dev/simulator/bots/[botId]/scan': { caller: 'a', body: () => ({ phoneNumber: '15550004444', displayName: 'Fuzz phone' }), crossTenant: { kind: 'denied' } },
  'POST /api/dev/simulator/bots/[botId]/disconnect': { caller: 'a', body: () => ({ reason: 'connection_lost' }), required: ['reason'], crossTenant: { kind: 'denied' } },
  'GET /api/whatsapp/webhook': { caller: 'public', skipFuzz: 'handshake params fuzzed in the webhook suite', crossTenant: { kind: 'unsigned' } },
  'POST /api/whatsapp/webhook': { caller: 'public', skipFuzz: 'raw signed body: the webhook suite', crossTenant: { kind: 'unsigned' } },
  'POST /api/v1/webhooks/session-status': { caller: 'public', skipFuzz: 'raw signed body: the webhook suite', crossTenant: { kind: 'unsigned' } },
};

/** The path with A's ids in it: a linked bot (the Cloud API route gets the cloud bot). */
export function fillPath(pattern: string, w: AbuseWorld, override: Record<string, string> = {}): string {
  const ids: Record<string, string> = {
    botId: pattern.includes('cloud-api') ? w.cloudBot.id : w.linkedBot.id,
    conversationId: w.conversationId,
    messageId: w.messageId,
    workspaceId: w.a.workspaceId,
    userId: w.a.userId,
    inviteId: w.inviteId,
    ...override,
  };
  return pattern.replace(/\[(\w+)\]/g, (_, name: string) => {
    const id = ids[name];
    if (id === undefined) throw new Error(`no id for [${name}] in ${pattern}`);
    return id;
  });
}

export function pathParams(pattern: string): string[] {
  return [...pattern.matchAll(/\[(\w+)\]/g)].map((m) => m[1]!);
}
