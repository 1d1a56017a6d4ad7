/**
 * Stack access: where stacks live (the backend you are logged into, or an offline workspace) and what can be read of
 * them — history, checkpoint, stack files' config, environment-specific values, the release a stack runs — and
 * developers', review and bootstrap stacks. Reading only what a stack says; judging it is for the gate and the operations.
 * Depends on the kit alone.
 */
export * from "./developer-stacks";
export * from "./environment-values";
export * from "./running-release";
export * from "./stack-file-config";
export * from "./stack-reading";
export * from "./stack-source";
export * from "./bootstrap-stacks";
