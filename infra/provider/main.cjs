// The provider plugin's entry (bin/pulumi-resource-createsomething runs it with the engine's arguments). As for the
// program (infra/main.cjs): the SDK loads first as plain JavaScript, then tsx compiles only the plugin's own modules.
const { main } = require('@pulumi/pulumi/provider');
require('tsx/cjs/api').register();
const { createSomethingProvider } = require('./server.ts');

// A plugin outlives its engine when the engine is killed (a cancelled job, `kill -9`): its gRPC server would listen
// on forever. The engine is the parent (bin/ execs node); once it is gone the plugin is reparented, so it leaves too.
const engine = process.ppid;
setInterval(() => {
  if (process.ppid !== engine) process.exit(0);
}, 1000).unref();

main(createSomethingProvider, process.argv.slice(2)).catch((error) => {
  console.error(`createsomething provider: ${error instanceof Error ? error.stack : error}`);
  process.exit(1);
});
