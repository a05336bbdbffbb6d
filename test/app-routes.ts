// Every REST route handler the browser uses, by path pattern: in-process tests mount them on a
// plain http server (test/route-server.ts) and exercise the real wrapper, services and database.
import * as sessionRoute from '@/app/api/v1/auth/session/route';
import * as cloudApiRoute from '@/app/api/v1/bots/[botId]/cloud-api/route';
import * as connectRoute from '@/app/api/v1/bots/[botId]/connect/route';
import * as eventsRoute from '@/app/api/v1/bots/[botId]/events/route';
import * as logoutRoute from '@/app/api/v1/bots/[botId]/logout/route';
import * as botRoute from '@/app/api/v1/bots/[botId]/route';
import * as botsRoute from '@/app/api/v1/bots/route';
import * as retryRoute from '@/app/api/v1/conversations/[conversationId]/messages/[messageId]/retry/route';
import * as messagesRoute from '@/app/api/v1/conversations/[conversationId]/messages/route';
import * as readRoute from '@/app/api/v1/conversations/[conversationId]/read/route';
import * as conversationRoute from '@/app/api/v1/conversations/[conversationId]/route';
import * as conversationsRoute from '@/app/api/v1/conversations/route';
import * as unreadRoute from '@/app/api/v1/conversations/unread/route';
import * as acceptRoute from '@/app/api/v1/invites/accept/route';
import * as sessionStatusRoute from '@/app/api/v1/whatsapp/session-status/[botId]/route';
import * as inviteRoute from '@/app/api/v1/workspaces/[workspaceId]/invites/[inviteId]/route';
import * as invitesRoute from '@/app/api/v1/workspaces/[workspaceId]/invites/route';
import * as memberRoute from '@/app/api/v1/workspaces/[workspaceId]/members/[userId]/route';
import * as membersRoute from '@/app/api/v1/workspaces/[workspaceId]/members/route';
import * as workspaceRoute from '@/app/api/v1/workspaces/[workspaceId]/route';
import * as selectRoute from '@/app/api/v1/workspaces/[workspaceId]/select/route';

export const APP_ROUTES = {
  '/api/v1/auth/session': sessionRoute,
  '/api/v1/bots': botsRoute,
  '/api/v1/bots/[botId]': botRoute,
  '/api/v1/bots/[botId]/connect': connectRoute,
  '/api/v1/bots/[botId]/logout': logoutRoute,
  '/api/v1/bots/[botId]/events': eventsRoute,
  '/api/v1/bots/[botId]/cloud-api': cloudApiRoute,
  '/api/v1/whatsapp/session-status/[botId]': sessionStatusRoute,
  '/api/v1/conversations': conversationsRoute,
  '/api/v1/conversations/unread': unreadRoute,
  '/api/v1/conversations/[conversationId]': conversationRoute,
  '/api/v1/conversations/[conversationId]/read': readRoute,
  '/api/v1/conversations/[conversationId]/messages': messagesRoute,
  '/api/v1/conversations/[conversationId]/messages/[messageId]/retry': retryRoute,
  '/api/v1/workspaces/[workspaceId]': workspaceRoute,
  '/api/v1/workspaces/[workspaceId]/select': selectRoute,
  '/api/v1/workspaces/[workspaceId]/members': membersRoute,
  '/api/v1/workspaces/[workspaceId]/members/[userId]': memberRoute,
  '/api/v1/workspaces/[workspaceId]/invites': invitesRoute,
  '/api/v1/workspaces/[workspaceId]/invites/[inviteId]': inviteRoute,
  '/api/v1/invites/accept': acceptRoute,
} as const;
