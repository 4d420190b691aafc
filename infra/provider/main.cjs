// The provider plugin's entry (bin/pulumi-resource-createsomething runs it with the engine's arguments). As for the
// program (infra/main.cjs): the SDK loads first as plain JavaScript, then tsx compiles only the plugin's own modules.
const { main } = require('@pulumi/pulumi/provider');
require('tsx/cjs/api').register();
const { createSomethingProvider } = require('./server.ts');

// The engine that started the plugin is its parent (the launcher records its pid, then execs node). A killed
// `pulumi up` leaves its plugins behind, re-parented, and nothing would ever stop this one (Go plugins notice through
// their engine health check): so the plugin exits once its parent is another, or init, also when that happened while
// it was starting.
const engine = Number(process.env.CREATESOMETHING_PLUGIN_PARENT) || process.ppid;
const engineGone = () => process.ppid !== engine || process.ppid === 1;
if (engineGone()) process.exit(1);
setInterval(() => {
  if (engineGone()) process.exit(1);
}, 1000).unref();

main(createSomethingProvider, process.argv.slice(2)).catch((error) => {
  console.error(`createsomething provider: ${error instanceof Error ? error.stack : error}`);
  process.exit(1);
});
