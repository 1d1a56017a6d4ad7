/**
 * Operations between releases: is the cloud still what a stack deployed (drift, and its record for status), what each
 * role may do (access), what runs where (status), are two deployed stacks at parity, and console edits of an offline workspace's cloud. None of it
 * deploys anything. Depends on the kit and stacks; never on the gate or the rehearsal (the gate uses drift, not the
 * other way round).
 */
export * from "./console-edit";
export * from "./deployed-parity";
export * from "./drift";
export * from "./drift-record";
export * from "./status";
export * from "./access-report";
