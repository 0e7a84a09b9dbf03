import { mkdir } from 'node:fs/promises';
import path from 'node:path';
import type { Browser } from 'playwright-core';
import { renderInsightEmail } from '../../src/email/render';
import { sampleInsights } from '../../src/email/sample';
import { launchChromium } from '../fakes/chromium';

const ARTIFACTS = path.join(__dirname, '..', '..', 'test-artifacts');
const NBSP = '\u00a0';
const PERIOD = '2026-W47';

const cases = [
  { language: 'fi' as const, keys: [`7,5${NBSP}h`, `37,5${NBSP}h`, `72${NBSP}%`, `+12,5${NBSP}h`] },
  { language: 'en' as const, keys: [`7.5${NBSP}h`, `37.5${NBSP}h`, '72%', `+12.5${NBSP}h`] },
];

interface Layout {
  scrollWidth: number;
  images: number;
  scripts: number;
  clippedFigures: string[];
}

describe('insight email in a real browser', () => {
  let browser: Browser;

  beforeAll(async () => {
    await mkdir(ARTIFACTS, { recursive: true });
    browser = await launchChromium();
  });
  afterAll(async () => {
    await browser?.close();
  });

  for (const { language, keys } of cases) {
    for (const width of [1024, 375]) {
      it(`${language} at ${width}px: fits, shows the key numbers, loads nothing`, async () => {
        const { html } = renderInsightEmail({
          insights: sampleInsights({ tenantId: 't-1', recipientId: 'p-1', period: PERIOD }),
          firstName: 'Aino',
          language,
          tenantName: 'Acme Oy',
          period: PERIOD,
          preferencesUrl: 'https://insights.example/p/pref',
          unsubscribeUrl: 'https://insights.example/u/unsub',
          timezone: 'Europe/Helsinki',
        });
        const page = await browser.newPage({ viewport: { width, height: 900 } });
        try {
          const requested: string[] = [];
          await page.route('**/*', (route) => {
            requested.push(route.request().url());
            return route.abort();
          });
          await page.setContent(html, { waitUntil: 'load' });
          await page.screenshot({ path: path.join(ARTIFACTS, `email-${language}-${width}.png`), fullPage: true });

          expect(requested).toEqual([]);
          // A string, not a function: the project compiles without DOM types.
          const layout = (await page.evaluate(`(() => ({
            scrollWidth: document.documentElement.scrollWidth,
            images: document.images.length,
            scripts: document.scripts.length,
            clippedFigures: [...document.querySelectorAll('.figure-value')]
              .filter((el) => el.scrollWidth > (el.parentElement ? el.parentElement.clientWidth : 0))
              .map((el) => el.textContent),
          }))()`)) as Layout;
          expect(layout.scrollWidth).toBeLessThanOrEqual(width);
          expect(layout.images).toBe(0);
          expect(layout.scripts).toBe(0);
          expect(layout.clippedFigures).toEqual([]);

          for (const key of keys) {
            const figure = page.locator('.figure-value', { hasText: key }).first();
            expect(await figure.isVisible()).toBe(true);
            const box = await figure.boundingBox();
            expect(box).not.toBeNull();
            expect((box?.x ?? -1) >= 0 && (box?.x ?? 0) + (box?.width ?? 0) <= width).toBe(true);
          }
        } finally {
          await page.close();
        }
      });
    }
  }
});
