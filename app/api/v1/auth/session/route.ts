import { json, withSession } from '@/lib/api/with-route';
import { getAccount } from '@/lib/services/auth/get-account';

export const GET = withSession({}, async ({ principal }) => json(await getAccount({ principal })));
