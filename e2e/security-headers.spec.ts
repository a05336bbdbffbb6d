import type { Page } from '@playwright/test';
import { expect, test } from './fixtures';
import { InboxPage } from './pages/inbox-page';

// The Content-Security-Policy set by the custom server (server/http/security-headers.ts) must not
// break the app: every page of a signed-in session, the live socket and the QR code render with no
// policy violation reported by the browser.

function recordViolations(page: Page): string[] {
  const violations: string[] = [];
  page.on('console', (msg) => {
    if (/Content Security Policy|Refused to (load|execute|connect|apply|frame)/i.test(msg.text())) violations.push(msg.text());
  });
  return violations;
}

test('no CSP violation across sign-up, dashboard, wizard with a live QR, inbox and settings', async ({ page, signUpPage, shell, dashboard, wizard, linkStep, newUser }) => {
  const violations = recordViolations(page);
  await page.addInitScript(() => {
    document.addEventListener('securitypolicyviolation', (e) => console.error(`Content Security Policy violation: ${e.violatedDirective} ${e.blockedURI}`));
  });
  const first = await page.goto('/sign-up');
  // The strict policy is the one in force: scripts need this response's nonce.
  expect(first?.headers()['content-security-policy']).toMatch(/script-src 'self' 'nonce-[^']+' 'strict-dynamic'/);
  expect(first?.headers()['content-security-policy']).toContain("frame-ancestors 'none'");
  await signUpPage.signUp(newUser);
  await dashboard.expectEmpty();
  await shell.expectLive();

  await wizard.openFromDashboard();
  const botId = await wizard.createBot('CSP bot');
  await linkStep.gotoForBot(botId);
  await linkStep.showQr();
  await linkStep.expectQrVisible();

  await new InboxPage(page).goto();
  await page.goto('/settings');
  await shell.expectLive();
  await page.goto('/no-such-page');
  await expect(page.getByRole('heading')).toBeVisible();
  expect(violations).toEqual([]);
});
