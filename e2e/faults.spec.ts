import { randomBytes } from 'node:crypto';
import { startServer, type RunningServer } from '../test/spawn-server';
import { expect, test } from './fixtures';
import { MAIN_PORT } from './servers';
import { linkedBotViaApi, simulatorScan } from './support/api';
import { note } from './support/note';
import { recordSocketFrames } from './support/socket-frames';

// Issue 9, "Server restart while a QR is displayed": a production server this test controls (same
// port, same DATA_DIR and APP_SECRET across the restart). The tab reconnects within 2 s of the new
// server, re-subscribes and shows the server's current QR (which a phone can scan); a bot linked
// before the restart is CONNECTED again without a new scan.

const PORT = MAIN_PORT + 5;
const BASE = `http://localhost:${PORT}`;
const ENV = {
  PORT: String(PORT),
  WHATSAPP_ENGINE: 'simulator',
  APP_SECRET: randomBytes(32).toString('hex'),
  SIGN_UP_PER_IP_LIMIT: '1000',
};

test.use({ baseURL: BASE });

let server: RunningServer | undefined;
test.afterEach(async () => {
  await server?.stop();
  server = undefined;
});

test('server restart with a QR on screen: the tab is back within 2 s showing the current QR; a linked bot restores without a scan', async ({
  page,
  signUpPage,
  dashboard,
  shell,
  wizard,
  newUser,
}) => {
  test.setTimeout(180_000);
  server = await startServer({ mode: 'production', env: ENV });
  const socket = recordSocketFrames(page);
  await signUpPage.goto();
  await signUpPage.signUp(newUser);
  await dashboard.expectEmpty();
  await shell.expectLive();

  const linkedId = await linkedBotViaApi(page.request, 'Linked before');
  const linkedPhone = ((await (await page.request.get(`/api/v1/bots/${linkedId}`)).json()) as { phoneNumber: string }).phoneNumber;

  await wizard.openFromDashboard();
  const botId = await wizard.createBot('Restart desk');
  await wizard.saveBehaviour();
  await wizard.link.showQr();
  const before = await wizard.link.decodeQr();

  // Restart: the same port, folder and secret.
  const dataDir = server.dataDir;
  const stoppingAt = Date.now();
  expect(await server.stop()).toBe(0);
  const stopMs = Date.now() - stoppingAt;
  const connectedBefore = socket.frames.filter((f) => f.event === 'connected').length;
  server = await startServer({ mode: 'production', env: ENV, dataDir });
  const upAt = Date.now();

  // Reconnected within 2 s of the server being ready (or before it said so: Socket.IO listens first).
  await expect.poll(() => socket.frames.filter((f) => f.event === 'connected').length, { timeout: 2_000 }).toBeGreaterThan(connectedBefore);
  const reconnectedAt = socket.frames.filter((f) => f.event === 'connected').at(-1)!.at;
  const reconnectMs = reconnectedAt - upAt;
  expect(reconnectMs).toBeLessThanOrEqual(2_000);
  await shell.expectLive();

  // The QR on screen is the one the server issued after the restart: not the old one, not "expired".
  await expect
    .poll(async () => {
      const issued = socket.qrCodes();
      const shown = await wizard.link.decodeQr().catch(() => null);
      return shown !== null && shown !== before && shown === issued.at(-1);
    }, { timeout: 10_000 })
    .toBe(true);
  await expect(wizard.link.expiredHeading()).toHaveCount(0);

  // It is current: the phone scans it and the bot links.
  const phone = { phoneNumber: '15550004321', displayName: 'After Restart' };
  const scan = await simulatorScan(page.request, botId, phone);
  expect(scan.status(), await scan.text()).toBe(200);
  await wizard.link.expectLinked(phone);

  // The bot linked before the restart is CONNECTED again, same phone, without a scan.
  await expect
    .poll(async () => (await (await page.request.get(`/api/v1/bots/${linkedId}`)).json()) as { status: string; phoneNumber: string }, { timeout: 20_000 })
    .toMatchObject({ status: 'CONNECTED', phoneNumber: linkedPhone });

  note(
    'restart with a QR on screen',
    `tab reconnected ${reconnectMs} ms after the new server said it was ready (${reconnectedAt - stoppingAt} ms after the old one was told to stop, which took ${stopMs} ms); current QR shown and scanned; linked bot restored without a scan`,
  );
});
