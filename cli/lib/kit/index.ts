/**
 * The command kit: what every command is made of — flags and exit codes, progress lines, tables, engine runs with a
 * policy pack, the compiled pack. It knows nothing of environments, stacks' meaning, the gate or the rehearsal:
 * it imports no other folder of cli/lib (tests/unit/architecture.spec.ts holds it to that).
 */
export * from "./args";
export * from "./compiled-pack";
export * from "./engine-run";
export * from "./progress";
export * from "./tables";
