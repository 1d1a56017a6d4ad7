/**
 * The release gate: promote (measure the release, read the upstream's evidence, check its cloud for drift, choose the
 * pack that judges, preview, re-read, update), the trusted gate and the judging tooling, the evidence and policy
 * config handed to the pack, the release identity, the promote report, and a pull-request check's report and comment
 * (check-findings, check-report, pr-comment). Where prod's promote checks staging's
 * cloud: gate/promote.ts calls operations' drift check. Depends on the kit, stacks and operations; never on the
 * rehearsal.
 */
export * from "./check-findings";
export * from "./check-report";
export * from "./judging-tooling";
export * from "./policy-config";
export * from "./pr-comment";
export * from "./promote";
export * from "./promote-report";
export * from "./release-identity";
export * from "./staging-evidence";
export * from "./trusted-gate";
