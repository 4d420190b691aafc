// The provider plugin's entry (bin/pulumi-resource-createsomething runs it with the engine's arguments). As for the
// program (infra/main.cjs): the SDK loads first as plain JavaScript, then tsx compiles only the plugin's own modules.
const { main } = require('@pulumi/pulumi/provider');
require('tsx/cjs/api').register();
const { createSomethingProvider } = require('./server.ts');

main(createSomethingProvider, process.argv.slice(2)).catch((error) => {
  console.error(`createsomething provider: ${error instanceof Error ? error.stack : error}`);
  process.exit(1);
});
