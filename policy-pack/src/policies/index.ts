import { Policy, StackValidationPolicy } from "@pulumi/policy";
import { parityInputsRecorder } from "../planned-inputs";
import { consumerAccessProdOnly, noDeveloperAccess } from "./access";
import { accessWithinModel } from "./access-within-model";
import { iamActionsExist } from "./iam-actions-exist";
import { iamDocumentsKnownAtPreview } from "./iam-documents-known-at-preview";
import { devCostGuardrails } from "./dev-cost-guardrails";
import { kmsKeyRotation } from "./kms-key-rotation";
import { noCrossEnvironmentReferences } from "./no-cross-environment-references";
import { prodReferencesStaging } from "./prod-references-staging";
import { prodStatefulProtected } from "./prod-stateful-protected";
import { prodReleaseMatchesStaging } from "./prod-release-matches-staging";
import { providerEnvironmentAndAccount } from "./provider-environment-and-account";
import { s3BucketProtections } from "./s3-bucket-protections";
import { stagingEvidenceVerified } from "./staging-evidence-verified";
import { stagingProdParity } from "./staging-prod-parity";
import { stagingProdParityAtStep } from "./staging-prod-parity-at-step";
import { stagingProdParityCoverage } from "./staging-prod-parity-coverage";

/** Release gate first, then guardrails; the order violations are listed in. */
export const STACK_POLICIES: StackValidationPolicy[] = [
    prodReferencesStaging,
    prodReleaseMatchesStaging,
    stagingProdParity,
    stagingProdParityCoverage,
    stagingEvidenceVerified,
    noDeveloperAccess,
    consumerAccessProdOnly,
    iamDocumentsKnownAtPreview,
    iamActionsExist,
    accessWithinModel,
    s3BucketProtections,
    kmsKeyRotation,
    prodStatefulProtected,
    providerEnvironmentAndAccount,
    noCrossEnvironmentReferences,
    devCostGuardrails,
];

/**
 * The pack: the stack policies, the recorder of prod's inputs that staging-prod-parity reads, and
 * parity before each step (the only policies the engine runs before a step: resource policies).
 */
export const ALL_POLICIES: Policy[] = [...STACK_POLICIES, parityInputsRecorder, stagingProdParityAtStep];
