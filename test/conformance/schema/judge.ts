// Judge recorded emulator traffic against Cloudflare's published schema from the command line, e.g. after a tier that
// ran with CLOUDFLARE_EMULATOR_RECORD=<file>:
//   node_modules/.bin/tsx test/conformance/schema/judge.ts <file>...
// Exits 1 when an answer does not match its operation or a route is in neither the schema nor routes-without-schema.
import { judgeRecording } from './judge-recording';

const files = process.argv.slice(2);
if (files.length === 0) {
  console.error('usage: judge.ts <recording.ndjson>...');
  process.exit(2);
}
const judged = judgeRecording(files);
console.log(judged.summary);
for (const e of judged.excused) console.log(`excused (schema-defects.ts): ${e}`);
for (const p of judged.invalid) console.log(`INVALID ${p}`);
for (const r of judged.unlistedRoutes) console.log(`NO SCHEMA, NOT WRITTEN DOWN: ${r}`);
process.exit(judged.invalid.length > 0 || judged.unlistedRoutes.length > 0 ? 1 : 0);
