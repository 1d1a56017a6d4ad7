// Child process (plain JavaScript, so nothing is compiled before the clock starts): how long a
// fresh process takes to load the Atlas program's modules, in the order the program needs them.
// ts-node is registered transpile-only, as the Node.js language host does for this repo
// (tsconfig `noCheck: true`), and takes tsconfig.json's `"ts-node"` options as the host's does
// (`swc: true`: the program's modules are transpiled by swc). Prints one JSON line of seconds.
"use strict";
const since = (started) => Number(process.hrtime.bigint() - started) / 1e9;
const step = (load) => {
    const started = process.hrtime.bigint();
    load();
    return since(started);
};
const figures = {};
figures.tsNode = step(() => require("ts-node").register({ transpileOnly: true }));
figures.typescript = step(() => require("typescript"));
figures.pulumi = step(() => require("@pulumi/pulumi"));
figures.aws = step(() => require("@pulumi/aws"));
figures.program = step(() => require("../../src/program"));
figures.total = Object.values(figures).reduce((a, b) => a + b, 0);
process.stdout.write(`${JSON.stringify(figures)}\n`);
