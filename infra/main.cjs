// What Pulumi runs (Pulumi.yaml `main`): the program is TypeScript (infra/index.ts), compiled on load by tsx.
//
// Why this file rather than the runtime's ts-node (`typescript: true`) or `nodeargs: --require=tsx/cjs`: ts-node
// compiles every file with the TypeScript compiler and type-checks it unless PULUMI_NODEJS_TRANSPILE_ONLY is set,
// with the compiler options of a tsconfig.json in the program's folder (infra/ has none, so its defaults: ES2015
// libraries, and `Array.prototype.at` is a type error there, which failed every run that did not set the variable,
// as the GitHub workflows did not). `pnpm typecheck` checks the program, in CI. A tsx hook given as a node argument
// is in place before the SDK loads, and then runs for each of the SDK's hundreds of modules too (requiring
// @pulumi/pulumi took 0.84-1.12 s under it, 0.44-0.50 s without, on Node 24 here). So: the SDK first, as plain
// JavaScript; then tsx, for the modules loaded after it (the program's own).
require('@pulumi/pulumi');
require('tsx/cjs/api').register();
module.exports = require('./index.ts');
