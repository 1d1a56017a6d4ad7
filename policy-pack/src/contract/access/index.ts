/** Reading IAM policy documents against AWS's catalogue of actions and the access model (../access-model.ts). */
export * from "./actions";
export * from "./catalogue";
export * from "./documents";
export * from "./grants";
export * from "./judge";
export * from "./patterns";
export * from "./resource-policies";
export * from "./roles";
