import { env } from '@/lib/env';
import type { RateLimitRule } from './rate-limiter';

const MINUTE = 60_000;

// Brute force: a handful of guesses per account, more per address (offices share one IP).
export const SIGN_IN_PER_EMAIL: RateLimitRule = { name: 'sign-in:email', limit: 10, windowMs: 15 * MINUTE };
export const SIGN_IN_PER_IP: RateLimitRule = { name: 'sign-in:ip', limit: 50, windowMs: 15 * MINUTE };
/** Sign-ups per address: spam accounts, with room for a team joining from one office (SIGN_UP_PER_IP_LIMIT). */
export const signUpPerIp = (): RateLimitRule => ({ name: 'sign-up:ip', limit: env().SIGN_UP_PER_IP_LIMIT, windowMs: 10 * MINUTE });
export const TOKEN_PER_USER: RateLimitRule = { name: 'token:user', limit: 60, windowMs: MINUTE };
// The polling fallback runs at most every 5 s per view (QR step); a user with several tabs fits.
export const SESSION_STATUS_PER_USER: RateLimitRule = { name: 'session-status:user', limit: 60, windowMs: MINUTE };
// Starting or stopping WhatsApp sessions: each one opens a connection to WhatsApp.
export const SESSION_CONTROL_PER_USER: RateLimitRule = { name: 'session-control:user', limit: 30, windowMs: MINUTE };
export const BOT_WRITE_PER_USER: RateLimitRule = { name: 'bot-write:user', limit: 60, windowMs: MINUTE };
export const SSE_OPEN_PER_USER: RateLimitRule = { name: 'sse-open:user', limit: 30, windowMs: MINUTE };
// Simulator endpoints (demo/test only) still must not be a way to flood the server.
export const SIMULATOR_PER_USER: RateLimitRule = { name: 'simulator:user', limit: 120, windowMs: MINUTE };
// Agent replies and inbox writes: generous for a person typing, a wall for a script.
export const MESSAGE_SEND_PER_USER: RateLimitRule = { name: 'message-send:user', limit: 120, windowMs: MINUTE };
export const CONVERSATION_WRITE_PER_USER: RateLimitRule = { name: 'conversation-write:user', limit: 300, windowMs: MINUTE };
// Invitations: a team is invited in a sitting, a script spraying links is not.
export const INVITE_CREATE_PER_USER: RateLimitRule = { name: 'invite-create:user', limit: 20, windowMs: 10 * MINUTE };
export const INVITE_CREATE_PER_WORKSPACE: RateLimitRule = { name: 'invite-create:workspace', limit: 50, windowMs: 60 * MINUTE };
// Tokens are 256-bit random (not guessable); this only stops a client hammering the endpoint.
export const INVITE_ACCEPT_PER_USER: RateLimitRule = { name: 'invite-accept:user', limit: 20, windowMs: 10 * MINUTE };
export const MEMBER_WRITE_PER_USER: RateLimitRule = { name: 'member-write:user', limit: 60, windowMs: MINUTE };
