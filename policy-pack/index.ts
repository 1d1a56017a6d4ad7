/**
 * The atlas-release policy pack: the prod release gate (policies 1-4) and the environment
 * guardrails. Enforcement levels live in src/enforcement.ts; policy config in src/config.ts.
 */
import "./src/supported-node";
import { PolicyPack } from "@pulumi/policy";
import { ALL_POLICIES } from "./src/policies";

new PolicyPack("atlas-release", { policies: ALL_POLICIES });
