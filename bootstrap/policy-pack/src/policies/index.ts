import { Policy } from "@pulumi/policy";
import { deployRoleTrust } from "./deploy-role-trust";
import { previewRoleReadOnly } from "./preview-role-read-only";
import { rolesAreCiRoles } from "./roles-are-ci-roles";
import { stateBucket } from "./state-bucket";

/** The bootstrap's guardrails, in the order their violations are listed. */
export const BOOTSTRAP_POLICIES: Policy[] = [rolesAreCiRoles, deployRoleTrust, previewRoleReadOnly, stateBucket];
