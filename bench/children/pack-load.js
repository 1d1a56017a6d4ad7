// Child process (plain JavaScript, so nothing is compiled before the clock starts): how long a fresh
// process takes to start the Atlas policy pack as the engine starts it (the JavaScript in
// policy-pack/bin, no ts-node), and what the first judgement of a prod stack's documents adds by
// reading AWS's catalogue of actions (one file per service, read lazily). Prints one JSON line of seconds.
"use strict";
const since = (started) => Number(process.hrtime.bigint() - started) / 1e9;
const step = async (load) => {
    const started = process.hrtime.bigint();
    await load();
    return since(started);
};
// The services prod's documents name (its roles, bucket, key and topic policies).
const PROD_SERVICES = ["s3", "kms", "glue", "athena", "logs", "states", "cloudwatch", "sns", "iam", "sts"];
(async () => {
    const figures = {};
    figures.policy = await step(() => require("@pulumi/policy"));
    figures.policies = await step(() => require("../../policy-pack/bin/src/policies"));
    figures.start = figures.policy + figures.policies;
    const { serviceActions } = require("../../policy-pack/bin/src/contract/access/catalogue");
    figures.catalogue = await step(() => Promise.all(PROD_SERVICES.map(serviceActions)));
    process.stdout.write(`${JSON.stringify(figures)}\n`);
})().catch((error) => {
    process.stderr.write(`${error.stack ?? error}\n`);
    process.exit(1);
});
