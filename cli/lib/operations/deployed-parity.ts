/**
 * The deployed parity comparison `npm run parity -- --deployed` prints and `npm run status` counts: both stacks'
 * checkpoints, resource by resource and property by property, as the parity policy compares them (environment-specific
 * values and generated ids set aside).
 */
import { compareDesiredState, comparedResourcesOf } from "../../../policy-pack/src/contract";
import { readCheckpoint, deployedEnvironmentValues, shortName, StackSource } from "../stacks";

export interface DeployedDifference {
    resource: string;
    path: string;
    /** The value in `from` (the upstream, e.g. staging). */
    from: string;
    /** The value in `to` (e.g. prod). */
    to: string;
}

export interface DeployedComparison {
    differences: DeployedDifference[];
    resourcesCompared: number;
}

/**
 * Compares what stacks `from` and `to` (`staging` or `organization/atlas/staging`) deployed; both must exist. Each
 * stack's environment is its own name. Secret values are compared by digest, never printed.
 */
export async function compareDeployedStacks(source: StackSource, from: string, to: string): Promise<DeployedComparison> {
    const sides = [];
    for (const name of [from, to]) {
        sides.push({
            environment: await deployedEnvironmentValues(source, shortName(name), name),
            resources: comparedResourcesOf(await readCheckpoint(source, name)),
        });
    }
    const comparison = compareDesiredState(sides[0], sides[1]);
    return {
        differences: comparison.differences.map((d) => ({ resource: d.resource, path: d.path, from: d.staging, to: d.prod })),
        resourcesCompared: comparison.resourcesCompared,
    };
}
