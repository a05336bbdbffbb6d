import { expect, type Locator, type Page } from '@playwright/test';
import jsQR from 'jsqr';
import { PNG } from 'pngjs';

declare global {
  interface Window {
    /** Page clock (ms since the epoch) when the "WhatsApp connected" panel entered the DOM. */
    __e2eLinkedAt?: number;
    /** Every (attempt, seconds left, QR markup) the QR figure showed, in order. */
    __e2eQrLog?: { attempt: number; seconds: number | null; markup: string | null; at: number }[];
  }
}

/**
 * "Link WhatsApp": the wizard's third step and /bots/{id}/link. QR (or pairing code) shown live,
 * "The QR code expired" with a retry, and "WhatsApp connected" on success.
 */
export class LinkStep {
  constructor(private readonly page: Page) {}

  /** /bots/{id}/link: the same step for a bot that already exists. */
  async gotoForBot(botId: string) {
    await this.page.goto(`/bots/${botId}/link`);
    await expect(this.showQrButton()).toBeVisible();
  }

  showQrButton() {
    return this.page.getByRole('button', { name: 'Show QR code' });
  }

  async showQr() {
    await this.showQrButton().click();
    await this.expectQrVisible();
  }

  async expectQrVisible() {
    await expect(this.page.getByRole('heading', { name: 'Scan the QR code' })).toBeVisible();
    await expect(this.qrImage()).toBeVisible();
  }

  /** The figure around the QR; `data-attempt` counts rotations. */
  qrFigure(): Locator {
    return this.page.getByTestId('qr-code');
  }

  qrImage(): Locator {
    return this.qrFigure().getByRole('img', { name: 'WhatsApp QR code' });
  }

  countdown(): Locator {
    return this.page.getByTestId('qr-countdown');
  }

  async attempt(): Promise<number> {
    return Number(await this.qrFigure().getAttribute('data-attempt'));
  }

  /** The QR's drawing (qrcode.react's paths): changes exactly when the encoded string does. */
  async qrMarkup(): Promise<string> {
    return this.qrImage().evaluate((svg) => svg.innerHTML);
  }

  /** What a phone would read: a screenshot of the QR as rendered, decoded with jsQR. */
  async decodeQr(): Promise<string> {
    const png = PNG.sync.read(await this.qrImage().screenshot({ animations: 'disabled' }));
    const code = jsQR(new Uint8ClampedArray(png.data.buffer, png.data.byteOffset, png.data.length), png.width, png.height);
    if (!code) throw new Error(`jsQR found no QR code in the ${png.width}×${png.height} screenshot`);
    return code.data;
  }

  expiredHeading() {
    return this.page.getByRole('heading', { name: 'The QR code expired' });
  }

  async expectExpired() {
    await expect(this.expiredHeading()).toBeVisible();
    await expect(this.generateNewQrButton()).toBeVisible();
  }

  generateNewQrButton() {
    return this.page.getByRole('button', { name: 'Generate new QR' });
  }

  async generateNewQr() {
    await this.generateNewQrButton().click();
    await this.expectQrVisible();
  }

  success(): Locator {
    return this.page.getByTestId('link-success');
  }

  async expectLinked(phone: { phoneNumber: string; displayName: string }, timeout?: number) {
    await expect(this.success().getByRole('heading', { name: 'WhatsApp connected' })).toBeVisible({ timeout });
    await expect(this.page.getByTestId('linked-phone')).toHaveText(`+${phone.phoneNumber}`);
    await expect(this.page.getByTestId('linked-name')).toHaveText(phone.displayName);
  }

  /** Arms a MutationObserver that stamps (page clock) the moment the success panel appears. */
  async markWhenLinked() {
    await this.page.evaluate(() => {
      delete window.__e2eLinkedAt;
      const clock = () => performance.timeOrigin + performance.now();
      const observer = new MutationObserver(() => {
        if (!document.querySelector('[data-testid="link-success"]')) return;
        window.__e2eLinkedAt = clock();
        observer.disconnect();
      });
      observer.observe(document.body, { childList: true, subtree: true });
    });
  }

  /** The page-clock time `markWhenLinked` recorded, once the success panel has appeared. */
  async linkedAt(): Promise<number> {
    await this.page.waitForFunction(() => window.__e2eLinkedAt !== undefined);
    return this.page.evaluate(() => window.__e2eLinkedAt!);
  }

  /**
   * Logs every state of the QR figure (attempt, countdown seconds, QR markup) as it changes, from
   * inside the page, so no short-lived QR is missed between two polls from the test.
   */
  async recordQrChanges() {
    await this.page.evaluate(() => {
      const log: NonNullable<Window['__e2eQrLog']> = [];
      window.__e2eQrLog = log;
      const snap = () => {
        const figure = document.querySelector('[data-testid="qr-code"]');
        if (!figure) return;
        const svg = figure.querySelector('svg');
        const countdown = figure.querySelector('[data-testid="qr-countdown"]');
        const entry = {
          attempt: Number(figure.getAttribute('data-attempt')),
          seconds: countdown ? Number(countdown.getAttribute('data-seconds')) : null,
          markup: svg ? svg.innerHTML : null,
          at: Date.now(),
        };
        const last = log[log.length - 1];
        if (!last || last.attempt !== entry.attempt || last.seconds !== entry.seconds || last.markup !== entry.markup) log.push(entry);
      };
      snap();
      new MutationObserver(snap).observe(document.body, { childList: true, subtree: true, attributes: true, characterData: true });
    });
  }

  async qrLog() {
    return this.page.evaluate(() => window.__e2eQrLog ?? []);
  }
}
