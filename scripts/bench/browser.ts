// Chromium and signed-in contexts for the browser benchmarks (the same browser setup as e2e).
import { chromium, type Browser, type BrowserContext } from '@playwright/test';
import { CHROMIUM_ARGS, chromiumExecutable } from '@/test/chromium';

export function launchChromium(): Promise<Browser> {
  return chromium.launch({ executablePath: chromiumExecutable(), args: CHROMIUM_ARGS });
}

/** A signed-in browser context: signs up through the API, whose cookie the context then shares. */
export async function signedInContext(browser: Browser, baseURL: string, label: string): Promise<BrowserContext> {
  const context = await browser.newContext({ baseURL });
  const res = await context.request.post('/api/v1/auth/sign-up', {
    data: { email: `${label}-${Date.now()}-${Math.random().toString(36).slice(2, 8)}@example.com`, password: 'bench-password-1', name: 'Bench' },
  });
  if (res.status() !== 201) throw new Error(`sign-up failed: ${res.status()} ${await res.text()}`);
  return context;
}

export async function createBot(context: BrowserContext, name: string): Promise<string> {
  const res = await context.request.post('/api/v1/bots', { data: { name } });
  if (res.status() !== 201) throw new Error(`create bot failed: ${res.status()} ${await res.text()}`);
  return ((await res.json()) as { id: string }).id;
}
