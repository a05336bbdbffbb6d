import { z } from './zod';

/**
 * A whole number from a query string: digits only. z.coerce.number() also took "0x10", "1e2",
 * " 5" and "" (as 0) — numbers no client means — so wrong input passed silently.
 */
export function queryInt(message: string, range: { min: number; max?: number }) {
  let n = z.number({ error: message }).int(message).min(range.min, message);
  if (range.max !== undefined) n = n.max(range.max, message);
  return z.union([z.number(), z.string().regex(/^\d{1,15}$/, message).transform(Number)], { error: message }).pipe(n);
}
