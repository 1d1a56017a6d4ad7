import { digestOf, secretStandIn } from "../../policy-pack/src/contract/canonical";
import { isEnvironmentSpecificKey } from "../../policy-pack/src/contract/environment-keys";
import { ParityValue, RELEASE_FORMAT, ReleaseFacts, resourcesDigestOf } from "../../policy-pack/src/contract/release-facts";
import { AtlasConfig, CONFIG_KEY_NAMES, qualified } from "../config";
import { ReleaseVersion } from "./version";

export interface ReleaseFactsInput {
    project: string;
    stack: string;
    config: AtlasConfig;
    release: ReleaseVersion;
    /** Sorted `type::name` of every tracked resource. */
    resources: string[];
    isSecret(qualifiedKey: string): boolean;
}

export function assembleReleaseFacts(input: ReleaseFactsInput): ReleaseFacts {
    const parityConfig = parityConfigOf(input.config, input.isSecret);
    return {
        format: RELEASE_FORMAT,
        project: input.project,
        stack: input.stack,
        environment: input.config.environment,
        version: input.release.version,
        promotable: input.release.promotable,
        parityConfig,
        configDigest: digestOf(parityConfig),
        resources: [...input.resources],
        resourcesDigest: resourcesDigestOf(input.resources),
    };
}

/** Every key that must be equal in staging and prod, with defaults applied and secrets as stand-ins. */
export function parityConfigOf(config: AtlasConfig, isSecret: (qualifiedKey: string) => boolean): Record<string, ParityValue> {
    const parity: Record<string, ParityValue> = {};
    for (const key of CONFIG_KEY_NAMES.filter((k) => !isEnvironmentSpecificKey(k))) {
        const value = config[key] as ParityValue | undefined;
        if (value !== undefined) {
            parity[key] = isSecret(qualified(key)) ? secretStandIn(value) : value;
        }
    }
    return parity;
}
