/**
 * The preflight before a first real deploy (`npm run doctor`): one finding per check — logged in, stack files
 * committed, KMS secrets where the environment model needs them, the credentials' account, the gate's settings,
 * the workflows' variables in CI — each ok, a problem with its fix, or plainly not checked. Reads only: it
 * changes no stack, file or setting. Depends on the kit, stacks and the gate (for the settings promote reads);
 * never on the rehearsal.
 */
export * from "./check-result";
export * from "./doctor";
export * from "./caller-account";
