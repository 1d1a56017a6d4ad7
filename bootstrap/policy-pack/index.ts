/**
 * The atlas-bootstrap policy pack: the guardrails of the bootstrap's stacks (bootstrap/), on the release pack's kit.
 * `npm run bootstrap -- preview|up` runs it; by hand, in bootstrap/: `pulumi up --policy-pack policy-pack`.
 */
import "./src/supported-node";
import { PolicyPack } from "@pulumi/policy";
import { BOOTSTRAP_POLICIES } from "./src/policies";

new PolicyPack("atlas-bootstrap", { policies: BOOTSTRAP_POLICIES });
