/**
 * The bootstrap of a real organisation (bootstrap/): its stacks deployed with the bootstrap's policy pack, their
 * outputs read and checked against the model, and the GitHub variables the workflows read, filled in from them.
 * Uses the kit and stacks; nothing of the gate, the operations or the rehearsal.
 */
export * from "./deploy";
export * from "./outputs";
export * from "./variables";
export * from "./workflow-variables";
