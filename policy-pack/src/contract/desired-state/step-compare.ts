/**
 * Parity of one prod resource with what staging runs for it, at the point where the engine can
 * still stop that resource's step: its Analyze call, before the step, in previews and in updates
 * (in an update every input is known there). The same normalisation and the same difference
 * shape as the whole-stack comparison (compare.ts), resource by resource:
 *
 * - a resource staging does not run is a difference, unless its environment calls for it;
 * - protect, the compared options and every input are compared by value (the provider reference and
 *   dependencies are the stack policy's: an Analyze call need not carry them);
 * - a value still unknown (a preview) is left to the stack policy, which compares it by the
 *   resources it is computed from;
 * - identifiers the cloud generates cannot be paired here (prod's, of a resource the same update
 *   creates, are known to no policy before the stack policy runs), so a token where staging holds
 *   one of its own generated identifiers may differ; everything else in that string may not. The
 *   stack policy then pairs those tokens exactly.
 */
import { environmentSpecificReason } from "../environment-keys";
import { Difference, StringSides, compareOptions, compareValues, isIdentifierKey, keysOfBoth } from "./compare";
import { EnvironmentNormaliser, EnvironmentValues } from "./environment";
import { MIN_GENERATED_LENGTH, TOKEN, isAutoName, tokensOf } from "./generated";
import { ComparedResource, labelOf, logicalNameOf } from "./resources";
import { printable } from "./values";

/** One prod resource as its Analyze call shows it: its own inputs (converted as planned-state.ts converts them). */
export type ResourceAtStep = Pick<ComparedResource, "urn" | "type" | "inputs" | "protect" | "options">;

export class StagingReference {
    private readonly staging: EnvironmentNormaliser;
    private readonly prod: EnvironmentNormaliser;
    /** Staging's resources by URN with environment-specific values set aside. */
    private readonly byUrn = new Map<string, ComparedResource>();
    /** Tokens of staging's generated identifiers (computed identifier outputs, auto-names), normalised. */
    private readonly generated = new Set<string>();

    constructor(
        stagingResources: readonly ComparedResource[],
        stagingEnvironment: EnvironmentValues,
        private readonly prodEnvironment: EnvironmentValues,
    ) {
        // The normalisers staging-prod-parity uses too (with the URNs and JSON documents they have read).
        this.staging = EnvironmentNormaliser.of(stagingEnvironment, prodEnvironment);
        this.prod = EnvironmentNormaliser.of(prodEnvironment, stagingEnvironment);
        for (const resource of stagingResources) {
            this.byUrn.set(this.staging.urn(resource.urn), resource);
            this.collectGenerated(resource);
        }
    }

    /** Where the prod resource differs from staging's counterpart, as staging-prod-parity words it. */
    compare(prod: ResourceAtStep): Difference[] {
        const staging = this.byUrn.get(this.prod.urn(prod.urn));
        if (!staging) {
            return environmentSpecificReason(logicalNameOf(prod.urn), prod.type, this.prodEnvironment)
                ? []
                : [{ resource: labelOf(prod), path: "(resource)", staging: "(absent)", prod: "present" }];
        }
        const differences: Difference[] = [];
        const differ = (path: string, stagingValue: string, prodValue: string) =>
            differences.push({ resource: labelOf(prod), path, staging: stagingValue, prod: prodValue });
        compareOptions(staging, prod, differ);
        if (!staging.custom) {
            return differences;
        }
        const strings: StringSides = { staging: (t) => t, prod: (t) => t, equivalent: (a, b) => this.differOnlyInGeneratedTokens(a, b) };
        const unknown: string[] = [];
        for (const key of keysOfBoth(staging.inputs, prod.inputs)) {
            if (key.startsWith("__")) {
                continue;
            }
            const site = { type: prod.type, property: key };
            const [sSets, pSets] = [key in staging.inputs, key in prod.inputs];
            if (!sSets && (!pSets || staging.computed === undefined || !(key in staging.computed))) {
                if (pSets) {
                    differ(key, "(not set)", printable(this.prod.value(prod.inputs[key], site)));
                }
                continue;
            }
            const stagingValue = this.staging.property(sSets ? staging.inputs : staging.computed!, key, staging.type);
            const prodValue = pSets ? this.prod.value(prod.inputs[key], site) : undefined;
            compareValues(stagingValue, prodValue, key, strings, differ, unknown);
        }
        return differences;
    }

    /**
     * True when two strings have the same shape and every token that differs is, on staging's side,
     * one of staging's generated identifiers (and on prod's long enough to be one).
     */
    private differOnlyInGeneratedTokens(staging: string, prod: string): boolean {
        if (staging.replace(TOKEN, "") !== prod.replace(TOKEN, "")) {
            return false;
        }
        const [a, b] = [staging.match(TOKEN) ?? [], prod.match(TOKEN) ?? []];
        return a.length === b.length && a.every((token, i) => token === b[i] || (this.generated.has(token) && b[i].length >= MIN_GENERATED_LENGTH));
    }

    private collectGenerated(resource: ComparedResource): void {
        let settings: Set<string> | undefined;
        for (const key of Object.keys(resource.computed ?? {})) {
            if (isIdentifierKey(key)) {
                settings ??= tokensOf(Object.keys(resource.inputs).map((input) => this.staging.property(resource.inputs, input, resource.type)));
                for (const token of tokensOf(this.staging.property(resource.computed!, key, resource.type))) {
                    if (token.length >= MIN_GENERATED_LENGTH && !settings.has(token)) {
                        this.generated.add(token);
                    }
                }
            }
        }
        for (const value of Object.values(resource.inputs)) {
            if (isAutoName(value, logicalNameOf(resource.urn))) {
                this.generated.add(value);
            }
        }
    }
}
