import type { RateLimitRule } from './rate-limiter';

const MINUTE = 60_000;

// Brute force: a handful of guesses per account, more per address (offices share one IP).
export const SIGN_IN_PER_EMAIL: RateLimitRule = { name: 'sign-in:email', limit: 10, windowMs: 15 * MINUTE };
export const SIGN_IN_PER_IP: RateLimitRule = { name: 'sign-in:ip', limit: 50, windowMs: 15 * MINUTE };
export const SIGN_UP_PER_IP: RateLimitRule = { name: 'sign-up:ip', limit: 20, windowMs: 10 * MINUTE };
export const TOKEN_PER_USER: RateLimitRule = { name: 'token:user', limit: 60, windowMs: MINUTE };
