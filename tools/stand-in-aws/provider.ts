// The stand-in `aws` provider: answers the engine from the resource-type table and the provider settings.
// What an update writes also goes to the stand-in's cloud (cloud.ts), apart from Pulumi's state, and `read` (a
// refresh) answers from that cloud, so an edit made there behind Pulumi's back is drift Pulumi can find. During a
// preview the engine asks Create and Update for a plan (see preview-support.ts, planning.ts) and nothing is written.
import * as provider from "@pulumi/pulumi/provider";
import { unknownValue } from "@pulumi/pulumi/runtime/rpc";
import { CloudStore } from "./cloud";
import { FAULTS_ENV, Operation, faultMessage, injectedFault } from "./faults";
import { readOnlyDenial } from "./read-only-profiles";
import { HOLD_ENV, HoldableOperation, holdUntilReleased, requestedHold } from "./holds";
import { INVOKES, INVOKES_FILE } from "./invokes";
import { autoName, prefixedUniqueId } from "./naming";
import { PropertyMap, containsUnknown, plain, plainMap, sameValue } from "./property-values";
import { ProviderSettings, settingsFromVariables } from "./provider-settings";
import { ComputedOutputs, plannedCreate, plannedUpdate, writtenOutputs } from "./planning";
import { isPreview } from "./preview-support";
import { REGIONAL_FORCE_NEW, RESOURCE_TYPES, RESOURCE_TYPES_FILE, NamingRule, ResourceBehaviour, StateContext } from "./resource-types";
import { logicalName, resourceType } from "./resource-urn";

interface ExistingResource {
    readonly id: string;
    readonly previous: PropertyMap;
}

export class StandInAwsProvider implements provider.Provider {
    private configured?: ProviderSettings;
    private configureError?: Error;
    /** Undefined where no cloud is kept (a workspace made before there was one): `read` then answers from state. */
    private readonly cloud: CloudStore | undefined;

    constructor(
        readonly version: string,
        private readonly env: NodeJS.ProcessEnv = process.env,
    ) {
        this.cloud = CloudStore.fromEnv(env);
    }

    /** Called with the Configure request's variables; a refusal here fails every later operation too. */
    configure(variables: Record<string, string>): void {
        try {
            this.configured = settingsFromVariables(variables, this.env);
        } catch (e) {
            this.configureError = e as Error;
            throw e;
        }
    }

    async check(urn: string, olds: PropertyMap, news: PropertyMap): Promise<provider.CheckResult> {
        this.settings();
        const naming = behaviourOf(resourceType(urn)).naming;
        if (!naming || news[naming.property] !== undefined) {
            return { inputs: news };
        }
        // Named here, as the bridge does, so the name is recorded in the inputs and stays stable across updates.
        return { inputs: { ...news, [naming.property]: nameFor(naming, logicalName(urn), olds, news) } };
    }

    async diff(id: string, urn: string, olds: PropertyMap, news: PropertyMap): Promise<provider.DiffResult> {
        await this.holdIfRequested("diff", urn);
        const behaviour = behaviourOf(resourceType(urn));
        // `olds` are the previous outputs.
        const { computed } = this.computedOutputs(behaviour, news, { id, previous: plainMap(olds) });
        const changed = changedProperties(olds, news, computed);
        const replacing = replacingProperties(behaviour);
        return { changes: changed.length > 0, replaces: changed.filter((key) => replacing.has(key)) };
    }

    async create(urn: string, inputs: PropertyMap): Promise<provider.CreateResult> {
        const { id, computed } = this.computedOutputs(behaviourOf(resourceType(urn)), inputs);
        if (isPreview()) {
            // As the bridge: no id before AWS assigns one.
            return { id: "", outs: plannedCreate(inputs, computed) };
        }
        const outputs = writtenOutputs(inputs, computed);
        await this.write("create", urn, id, outputs);
        return { id, outs: outputs };
    }

    /** A refresh: what the cloud holds now; an empty id where the resource is gone. */
    async read(id: string, urn: string, props: PropertyMap): Promise<provider.ReadResult> {
        const settings = this.settings();
        if (!this.cloud) {
            return { id, props };
        }
        const found = this.cloud.read({ account: settings.account, urn, id });
        return found ? { id, props: found.properties } : { id: "", props: {} };
    }

    async update(id: string, urn: string, olds: PropertyMap, news: PropertyMap): Promise<provider.UpdateResult> {
        const { computed } = this.computedOutputs(behaviourOf(resourceType(urn)), news, { id, previous: plainMap(olds) });
        if (isPreview()) {
            return { outs: plannedUpdate(news, computed, olds) };
        }
        const outputs = writtenOutputs(news, computed);
        await this.write("update", urn, id, outputs);
        return { outs: outputs };
    }

    async delete(id: string, urn: string): Promise<void> {
        this.settings();
        await this.write("delete", urn, id);
    }

    async invoke(token: string, args: PropertyMap): Promise<provider.InvokeResult> {
        const settings = this.settings();
        const answer = Object.hasOwn(INVOKES, token) ? INVOKES[token] : undefined;
        if (!answer) {
            throw new Error(`stand-in aws: function ${token} is not modelled; add it to ${INVOKES_FILE}`);
        }
        return { outputs: answer(plainMap(args), settings) };
    }

    private settings(): ProviderSettings {
        if (this.configureError) {
            throw this.configureError;
        }
        if (!this.configured) {
            throw new Error("stand-in aws: called before Configure");
        }
        return this.configured;
    }

    /** The id and the outputs the provider adds to these inputs: planned ones (region, defaults, tagsAll) and assigned ones. */
    private computedOutputs(behaviour: ResourceBehaviour, inputs: PropertyMap, existing?: ExistingResource): { id: string; computed: ComputedOutputs } {
        const settings = this.settings();
        const plainInputs = plainMap(inputs);
        const region = behaviour.global ? settings.region : ((plainInputs.region as string | undefined) ?? settings.region);
        const { id, outputs } = behaviour.state(plainInputs, stateContext(settings, region, plainInputs, existing));
        const planned = {
            ...(behaviour.global ? {} : { region }),
            ...behaviour.defaults,
            ...(behaviour.tagged ? { tagsAll: this.tagsAll(inputs.tags) } : {}),
        };
        return { id, computed: { planned, assigned: outputs ?? {} } };
    }

    /** Provider default tags overlaid with the resource's own tags; unknown while the tags are. */
    private tagsAll(tags: unknown): unknown {
        if (containsUnknown(tags)) {
            return unknownValue;
        }
        return { ...this.settings().defaultTags, ...(plain(tags) as PropertyMap | undefined) };
    }

    /** Waits where a test holds this operation (holds.ts). */
    private async holdIfRequested(operation: HoldableOperation, urn: string): Promise<void> {
        const [type, name] = [resourceType(urn), logicalName(urn)];
        const hold = requestedHold(this.env[HOLD_ENV], operation, type, name);
        if (hold) {
            await holdUntilReleased(hold, type, name);
        }
    }

    /**
     * A write to AWS: held where a test holds it, failed where a test injects a fault, and kept in the cloud where it
     * happened (a partial write happened too). `outputs` are what a create or update wrote; a delete has none.
     */
    private async write(operation: Operation, urn: string, id: string, outputs?: PropertyMap): Promise<void> {
        await this.holdIfRequested(operation, urn);
        const [type, name] = [resourceType(urn), logicalName(urn)];
        const denied = readOnlyDenial(this.env, operation, type, name);
        if (denied) {
            throw new Error(denied);
        }
        const fault = injectedFault(this.env[FAULTS_ENV], operation, type, name);
        if (!fault || fault.partial) {
            this.keepInCloud(operation, urn, id, outputs);
        }
        if (!fault) {
            return;
        }
        const message = faultMessage(fault, type, name);
        if (fault.partial && outputs) {
            // The provider server reports an error carrying an id as "created but failed to initialise".
            throw Object.assign(new Error(message), { id, properties: outputs, reasons: [message] });
        }
        throw new Error(message);
    }

    private keepInCloud(operation: Operation, urn: string, id: string, outputs: PropertyMap | undefined): void {
        if (!this.cloud) {
            return;
        }
        const address = { account: this.settings().account, urn, id };
        if (operation === "delete") {
            this.cloud.delete(address);
        } else {
            this.cloud.write(address, outputs ?? {}, operation === "create");
        }
    }
}

function behaviourOf(type: string): ResourceBehaviour {
    if (!Object.hasOwn(RESOURCE_TYPES, type)) {
        throw new Error(`stand-in aws: resource type ${type} is not modelled; add an entry for it to ${RESOURCE_TYPES_FILE}`);
    }
    return RESOURCE_TYPES[type];
}

/**
 * What the new inputs change: inputs that differ or are unknown, planned outputs they would change (tagsAll under
 * new default tags, a default region that moved, a default the inputs no longer override) and removed inputs.
 */
function changedProperties(olds: PropertyMap, news: PropertyMap, computed: ComputedOutputs): string[] {
    const keys = new Set([...Object.keys(olds), ...Object.keys(news), ...Object.keys(computed.planned)]);
    return [...keys].filter((key) => {
        if (key in news) {
            return containsUnknown(news[key]) || !sameValue(olds[key], news[key]);
        }
        if (key in computed.planned) {
            return !sameValue(olds[key], computed.planned[key]);
        }
        return !(key in computed.assigned);
    });
}

function replacingProperties(behaviour: ResourceBehaviour): Set<string> {
    return new Set([...behaviour.forceNew.properties, ...(behaviour.global ? [] : REGIONAL_FORCE_NEW.properties)]);
}

/** The AWS name for a resource whose inputs leave it out: kept from the previous inputs, else generated. */
function nameFor(naming: NamingRule, logical: string, olds: PropertyMap, news: PropertyMap): unknown {
    const previousName = olds[naming.property];
    const prefix = naming.prefixProperty ? news[naming.prefixProperty] : undefined;
    if (prefix !== undefined) {
        if (containsUnknown(prefix)) {
            return unknownValue;
        }
        const samePrefix = sameValue(prefix, olds[naming.prefixProperty as string]);
        return previousName !== undefined && samePrefix ? previousName : prefixedUniqueId(String(plain(prefix)));
    }
    if (previousName !== undefined && (!naming.prefixProperty || olds[naming.prefixProperty] === undefined)) {
        return previousName;
    }
    const base = naming.randomSuffix === false ? logical : autoName(logical, naming.maxLength);
    return naming.shape ? naming.shape(base, plainMap(news)) : base;
}

const TAG_INPUTS = new Set(["tags", "tagsAll"]);

function stateContext(settings: ProviderSettings, region: string, inputs: PropertyMap, existing?: ExistingResource): StateContext {
    const { account, partition, dnsSuffix } = settings;
    // Only inputs present now are compared: the previous outputs cannot tell a removed input from a computed output.
    const differs = (key: string) => !existing || !sameValue(existing.previous[key], inputs[key]);
    return {
        region,
        account,
        partition,
        dnsSuffix,
        previousId: existing?.id,
        previous: existing?.previous,
        rewritten: Object.keys(inputs).some((key) => !TAG_INPUTS.has(key) && differs(key)),
        changed: (...keys) => (existing ? keys.filter((key) => key in inputs && differs(key)) : keys),
        arn: (service, resource) => `arn:${partition}:${service}:${region}:${account}:${resource}`,
        globalArn: (service, resource) => `arn:${partition}:${service}::${account}:${resource}`,
    };
}
