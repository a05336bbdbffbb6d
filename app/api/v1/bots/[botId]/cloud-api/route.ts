import { botIdFrom } from '@/lib/api/params';
import { json, withSession } from '@/lib/api/with-route';
import { SESSION_CONTROL_PER_USER } from '@/lib/rate-limit/rules';
import { connectCloudBot } from '@/lib/services/cloud-api/connect-cloud-bot';
import { disconnectCloudBot } from '@/lib/services/cloud-api/disconnect-cloud-bot';
import { cloudCredentialsBody, type CloudCredentialsInput } from '@/lib/validation/cloud-api';

type Params = { botId: string };
// Each save calls Meta to check the credentials, like starting a session opens a connection.
const limit = [{ rule: SESSION_CONTROL_PER_USER, key: ({ principal }: { principal: { userId: string } }) => principal.userId }];

/** Saves (or replaces) a Cloud API bot's Meta credentials; the bot is CONNECTED once Meta accepts them. */
export const PUT = withSession<CloudCredentialsInput, undefined, Params>({ body: cloudCredentialsBody, rateLimit: limit }, async ({ body, params, principal }) =>
  json(await connectCloudBot({ principal, botId: botIdFrom(params), input: body })),
);

/** Forgets the credentials; the bot stays, DISCONNECTED. */
export const DELETE = withSession<undefined, undefined, Params>({ rateLimit: limit }, async ({ params, principal }) =>
  json(await disconnectCloudBot({ principal, botId: botIdFrom(params) })),
);
