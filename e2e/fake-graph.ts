// The fake Graph API as a process, for the e2e servers (playwright.config.ts starts it first):
// Cloud API bots linked in the browser are checked against it, and their replies land in it.
import { startFakeGraph } from '@/test/fake-graph-server';
import { E2E_GRAPH } from './servers';

const graph = await startFakeGraph({ accessToken: E2E_GRAPH.accessToken, port: E2E_GRAPH.port, inspect: true });
console.log(`fake Graph API on ${graph.url}`);
process.on('SIGTERM', () => void graph.close().then(() => process.exit(0)));
