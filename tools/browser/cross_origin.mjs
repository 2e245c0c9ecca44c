// Calls GraphQL servers from a page of another origin in Debian's headless Chromium, as a
// browser application would, so that Chromium itself applies CORS.
//
//   node cross_origin.mjs PAGE_URL GRAPHQL_URL...
//
// Opens PAGE_URL (a page without a Content-Security-Policy of its own, e.g. /healthz), then
// POSTs a query as JSON with an Authorization header (so a preflight comes first) to each
// GRAPHQL_URL. Prints one JSON object on stdout: {origin, calls: [{url, read, status, body,
// error}]}, where `read` says whether the page could read the answer.
import { openBrowser } from './loopback_browser.mjs';

const [pageUrl, ...targets] = process.argv.slice(2);
if (!pageUrl || !targets.length) {
  console.error('usage: node cross_origin.mjs PAGE_URL GRAPHQL_URL...');
  process.exit(2);
}

const browser = await openBrowser();
const { page, report } = browser;
try {
  await page.goto(pageUrl, { waitUntil: 'load' });
  report.origin = await page.evaluate(() => window.location.origin);
  report.calls = [];
  for (const url of targets) {
    report.calls.push(
      await page.evaluate(async (target) => {
        try {
          const response = await fetch(target, {
            method: 'POST',
            headers: { 'Content-Type': 'application/json', Authorization: 'Bearer none' },
            body: JSON.stringify({ query: '{ packages { totalCount } }' }),
          });
          return { url: target, read: true, status: response.status, body: await response.json() };
        } catch (error) {
          return { url: target, read: false, error: String(error) };
        }
      }, url),
    );
  }
} finally {
  await browser.close();
}
process.stdout.write(JSON.stringify(report, null, 2) + '\n');
