// Asks the /app page for stacks in Debian's headless Chromium, as a person would, and reads
// what it shows.
//
//   node advise_page.mjs URL SCENARIOS
//
// URL is the server's /app. SCENARIOS is a JSON list of
//   {requirements: [line...], pythonVersion, platform, recommendationType, screenshot}
// each typed into a freshly loaded page, answered, and saved as a full-page screenshot.
// Prints one JSON object on stdout:
//   {title, runs: [{typed, state, status, packages, problem, conflicts, unresolved, edges,
//                   graph: {nodes, edges, painted}}], offsite, failed, pageErrors, consoleErrors}
// `packages` are the stack table's rows [name, version, why]; `edges` the dependencies as
// text; `graph.painted` how many pixels cytoscape drew; `error` why driving the page stopped,
// if it did. Exits non-zero only if the browser could not be started; tests/browser judges
// the rest.
import { openBrowser, TIMEOUT } from './loopback_browser.mjs';

const [url, scenariosJson] = process.argv.slice(2);
if (!url || !scenariosJson) {
  console.error('usage: node advise_page.mjs URL SCENARIOS');
  process.exit(2);
}
const scenarios = JSON.parse(scenariosJson);
const ANSWERED = ['stack', 'unsatisfiable', 'unresolved', 'error'];

const browser = await openBrowser({ width: 1280, height: 900 });
const { page, report } = browser;
report.runs = [];
try {
  for (const scenario of scenarios) {
    await page.goto(url, { waitUntil: 'load' });
    report.title = await page.title();

    const box = page.getByLabel(/Requirements/);
    await box.click();
    await page.keyboard.type(scenario.requirements.join('\n'), { delay: 5 });
    await page.getByLabel('Python').selectOption(scenario.pythonVersion);
    await page.getByLabel('Platform').selectOption(scenario.platform);
    await page.getByLabel('Recommendation').selectOption(scenario.recommendationType);
    const typed = await box.inputValue();
    await page.getByRole('button', { name: 'Advise' }).click();

    await page.waitForFunction(
      (answered) => answered.includes(document.getElementById('answer').dataset.state),
      ANSWERED,
      { timeout: TIMEOUT },
    );
    const run = await page.evaluate(() => {
      const texts = (selector) =>
        [...document.querySelectorAll(selector)].map((e) => e.textContent.trim());
      const visible = (id) => !document.getElementById(id).hidden;
      const graph = document.getElementById('graph');
      let painted = 0;
      for (const canvas of graph.querySelectorAll('canvas')) {
        if (!canvas.width || !canvas.height) continue;
        const pixels = canvas.getContext('2d').getImageData(0, 0, canvas.width, canvas.height);
        for (let i = 3; i < pixels.data.length; i += 4) if (pixels.data[i]) painted += 1;
      }
      return {
        state: document.getElementById('answer').dataset.state,
        status: document.getElementById('status').textContent,
        packages: visible('stack')
          ? [...document.querySelectorAll('#packages tbody tr')].map((row) =>
              [...row.cells].map((cell) => cell.textContent.trim()),
            )
          : [],
        problem: visible('problem') ? document.getElementById('problem').innerText.trim() : null,
        conflicts: texts('#conflicts li'),
        unresolved: texts('#unresolved li'),
        edges: texts('#edges li'),
        graph: {
          nodes: Number(graph.dataset.nodes ?? 0),
          edges: Number(graph.dataset.edges ?? 0),
          painted,
        },
      };
    });
    run.typed = typed;
    report.runs.push(run);
    await page.screenshot({ path: scenario.screenshot, fullPage: true });
  }
} catch (error) {
  // What went wrong in the page (a script error, a refused script) says more than a timeout.
  report.error = String(error);
} finally {
  await browser.close();
}
process.stdout.write(JSON.stringify(report, null, 2) + '\n');
