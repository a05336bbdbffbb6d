import { eq } from 'drizzle-orm';
import { getDb } from '@/lib/db';
import { cloudApiAccounts } from '@/lib/db/schema';
import { hashVerifyToken } from '@/lib/whatsapp/cloud-api/verify-token';

/** Meta's subscription handshake: does any Cloud API bot use this verify token? */
export async function matchVerifyToken(token: string): Promise<boolean> {
  if (!token) return false;
  const db = await getDb();
  // Comparing hashes in the index lookup: equal-length digests, nothing to time.
  const [row] = await db
    .select({ botId: cloudApiAccounts.botId })
    .from(cloudApiAccounts)
    .where(eq(cloudApiAccounts.verifyTokenHash, hashVerifyToken(token)))
    .limit(1);
  return Boolean(row);
}
