// Debian's headless Chromium, allowed to reach the loopback only, recording what went wrong.
//
//   const browser = await openBrowser();  // {page, report, close()}
//
// `report` collects `offsite` (every request outside the loopback; all refused), `failed`
// (requests that failed), `pageErrors` (uncaught script errors) and `consoleErrors`
// (Content-Security-Policy violations among them).
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { chromium } from 'playwright-core';

export const TIMEOUT = 30_000;
const LOOPBACK = new Set(['127.0.0.1', 'localhost', '[::1]']);

export async function openBrowser({ width = 1280, height = 800 } = {}) {
  const userDataDir = await mkdtemp(join(tmpdir(), 'thoth-chromium-'));
  const report = { offsite: [], failed: [], pageErrors: [], consoleErrors: [] };
  let context;
  try {
    context = await chromium.launchPersistentContext(userDataDir, {
      executablePath: '/usr/bin/chromium',
      headless: true,
      chromiumSandbox: false,
      viewport: { width, height },
      timeout: TIMEOUT,
      args: [
        '--headless',
        '--no-sandbox',
        '--disable-gpu',
        '--disable-quic',
        '--no-first-run',
        '--disable-background-networking',
        '--disable-component-update',
        '--disable-sync',
      ],
    });
  } catch (error) {
    await rm(userDataDir, { recursive: true, force: true });
    throw error;
  }
  context.setDefaultTimeout(TIMEOUT);
  // Nothing may leave the machine: the page must work from this server alone.
  await context.route('**/*', (route) => {
    const target = new URL(route.request().url());
    if (target.protocol === 'data:' || LOOPBACK.has(target.hostname)) {
      return route.continue();
    }
    report.offsite.push(target.href);
    return route.abort('blockedbyclient');
  });

  const page = context.pages()[0] ?? (await context.newPage());
  page.on('pageerror', (error) => report.pageErrors.push(String(error)));
  page.on('console', (message) => {
    if (message.type() === 'error') report.consoleErrors.push(message.text());
  });
  page.on('requestfailed', (request) =>
    report.failed.push(`${request.url()}: ${request.failure()?.errorText}`),
  );
  return {
    page,
    report,
    async close() {
      await context.close();
      await rm(userDataDir, { recursive: true, force: true });
    },
  };
}
