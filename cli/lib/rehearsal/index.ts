/**
 * The offline rehearsal: a release walked through dev, staging and prod in an offline workspace, step by step (the
 * steps and their expected verdicts), and the story it tells. The top of the graph: it uses the gate, operations,
 * stacks and the kit, and nothing imports it but the `rehearse` command and tests.
 */
export * from "./rehearsal";
export * from "./story";
