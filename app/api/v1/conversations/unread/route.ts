import { json, withSession } from '@/lib/api/with-route';
import { getUnreadSummary } from '@/lib/services/conversations/get-unread-summary';

export const GET = withSession({}, async ({ principal }) => json(await getUnreadSummary({ principal })));
