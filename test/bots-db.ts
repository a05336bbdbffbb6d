import { afterAll, beforeAll } from 'vitest';
import { type DbHandle, setDbHandle } from '@/lib/db';
import { bots, workspaces } from '@/lib/db/schema';
import { openTestDb } from './test-db';

/**
 * One migrated PGlite per test file, installed as the app's database, with a workspace to hang
 * bots on (whatsapp_auth rows need a bot). Registers its own beforeAll/afterAll.
 */
export function setupBotsDb(workspaceName: string) {
  let handle: DbHandle | undefined;
  let workspaceId = '';
  beforeAll(async () => {
    ({ handle } = await openTestDb('pglite'));
    setDbHandle(handle);
    const [ws] = await handle.db.insert(workspaces).values({ name: workspaceName }).returning();
    workspaceId = ws!.id;
  });
  afterAll(async () => {
    await handle?.close();
  });
  return {
    get handle(): DbHandle {
      if (!handle) throw new Error('setupBotsDb: database not open yet (use it inside tests)');
      return handle;
    },
    async newBot(): Promise<string> {
      const [bot] = await this.handle.db.insert(bots).values({ workspaceId, name: 'Bot' }).returning();
      return bot!.id;
    },
  };
}
