/** The platform's physical names and ARNs live in the contract, where the pack's access model reads them too. */
export * from "../../policy-pack/src/contract/resource-names";
