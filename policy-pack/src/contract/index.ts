/**
 * The shared contract: the one entry point the program, the CLIs, the tools, the bench and the
 * tests import from the pack. No `@pulumi` dependency; pack internals stay behind it.
 */
export * from "./canonical";
export * from "./environments";
export * from "./environment-identity";
export * from "./environment-keys";
export * from "./node-support";
export * from "./policy-config";
export * from "./promotion-evidence";
export * from "./release-facts";
export * from "./release-identity";
export * from "./stack-history";
export * from "./value-signatures";
export * from "./desired-state/checkpoint";
export * from "./desired-state/compare";
export * from "./desired-state/engine-only-options";
export * from "./desired-state/environment";
export * from "./desired-state/hidden-properties";
export * from "./desired-state/resources";
export * from "./desired-state/values";
export * from "./resource-names";
export * from "./access-model";
export * from "./access";
export * from "./ci-identity";
