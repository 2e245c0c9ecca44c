// Runs graphql-http's auditServer against a running server and prints the results as JSON.
//
//   node audit.mjs http://127.0.0.1:PORT/graphql
//
// Prints {"results": [{id, name, level, status, reason?, responseStatus?}, ...]} on stdout and
// exits 1 if any MUST or SHOULD audit did not pass ("ok"), 0 otherwise. MAY audits are reported
// but never fail the run: the spec leaves them to the server.
import { auditServer } from 'graphql-http';

const url = process.argv[2];
if (!url) {
  console.error('usage: node audit.mjs URL');
  process.exit(2);
}

const results = await auditServer({ url });
const report = results.map((result) => {
  const level = result.name.split(' ', 1)[0];
  const entry = { id: result.id, name: result.name, level, status: result.status };
  if (result.status !== 'ok') {
    entry.reason = result.reason;
    entry.responseStatus = result.response?.status;
  }
  return entry;
});
report.sort((a, b) => a.id.localeCompare(b.id));
process.stdout.write(JSON.stringify({ results: report }, null, 2) + '\n');

const failed = report.filter((r) => r.level !== 'MAY' && r.status !== 'ok');
for (const r of failed) {
  console.error(`${r.status}: ${r.id} ${r.name}: ${r.reason}`);
}
process.exit(failed.length > 0 ? 1 : 0);
