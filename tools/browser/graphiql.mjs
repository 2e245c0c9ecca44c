// Types a query into GraphiQL in Debian's headless Chromium, runs it, and reads the result.
//
//   node graphiql.mjs URL QUERY SCREENSHOT
//
// URL is the server's /graphql. Prints one JSON object on stdout:
//   {title, editor, result, offsite, failed, pageErrors, consoleErrors}
// where `editor` is the query editor's text after typing, `result` the result pane's text,
// `offsite` every request the page tried outside the loopback (all refused), `failed` the
// requests that failed. Saves a screenshot of the page with the result to SCREENSHOT.
// Exits non-zero only if the browser could not be driven at all; tests/browser judges the rest.
import { openBrowser, TIMEOUT } from './loopback_browser.mjs';

const [url, query, screenshot] = process.argv.slice(2);
if (!url || !query || !screenshot) {
  console.error('usage: node graphiql.mjs URL QUERY SCREENSHOT');
  process.exit(2);
}

const browser = await openBrowser();
const { page, report } = browser;
try {
  await page.goto(url, { waitUntil: 'load' });
  report.title = await page.title();

  // Type the query as a person would: focus the editor, clear it, type key by key.
  const editor = page.locator('.graphiql-query-editor .CodeMirror');
  await editor.waitFor({ state: 'visible' });
  await editor.click();
  await page.keyboard.press('Control+A');
  await page.keyboard.press('Delete');
  await page.keyboard.type(query, { delay: 5 });
  // Close any completion popup so the screenshot shows the editor as typed.
  await page.keyboard.press('Escape');
  report.editor = await editor.evaluate((element) => element.CodeMirror.getValue());

  await page.locator('.graphiql-execute-button').click();
  const result = page.locator('.graphiql-response .CodeMirror');
  await page.waitForFunction(
    () => {
      const pane = document.querySelector('.graphiql-response .CodeMirror');
      return pane && pane.CodeMirror.getValue().trim().length > 0;
    },
    null,
    { timeout: TIMEOUT },
  );
  report.result = await result.evaluate((element) => element.CodeMirror.getValue());
  // Prettified (after it ran, as typed) so the screenshot shows the whole query.
  await page.getByLabel('Prettify query').click();
  await page.screenshot({ path: screenshot });
} finally {
  await browser.close();
}
process.stdout.write(JSON.stringify(report, null, 2) + '\n');
