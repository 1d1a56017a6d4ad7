import * as pulumi from "@pulumi/pulumi";
import { isTrackedType, resourceRole } from "../../policy-pack/src/contract/release-facts";

/**
 * Records the `type::name` of every resource registered after `start()`, through a stack
 * transformation. One tracker per program run: the transformation lives on that run's root
 * stack resource, so nothing carries over to another run in the same process.
 */
export class ResourceTracker {
    private readonly roles = new Set<string>();

    start(): void {
        pulumi.runtime.registerStackTransformation((args) => {
            if (isTrackedType(args.type)) {
                this.roles.add(resourceRole(args.type, args.name));
            }
            return undefined;
        });
    }

    resources(): string[] {
        return [...this.roles].sort();
    }
}
