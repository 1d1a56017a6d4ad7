// The stand-in `aws` provider: answers the engine from the resource-type table and the provider settings.
// It keeps no state of its own: everything it knows about a resource comes in with the request.
import * as provider from "@pulumi/pulumi/provider";
import { unknownValue } from "@pulumi/pulumi/runtime/rpc";
import { FAULTS_ENV, Operation, faultMessage, plannedFault } from "./faults";
import { INVOKES, INVOKES_FILE } from "./invokes";
import { autoName, prefixedUniqueId } from "./naming";
import { PropertyMap, containsUnknown, plain, plainMap, sameValue } from "./property-values";
import { ProviderSettings, settingsFromVariables } from "./provider-settings";
import { RESOURCE_TYPES, RESOURCE_TYPES_FILE, NamingRule, ResourceBehaviour, StateContext } from "./resource-types";
import { logicalName, resourceType } from "./resource-urn";

interface ExistingResource {
    readonly id: string;
    readonly previous: PropertyMap;
}

export class StandInAwsProvider implements provider.Provider {
    private configured?: ProviderSettings;
    private configureError?: Error;

    constructor(
        readonly version: string,
        private readonly env: NodeJS.ProcessEnv = process.env,
    ) {}

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
        this.settings();
        const behaviour = behaviourOf(resourceType(urn));
        // `olds` are the previous outputs: a key missing from `news` is a removed input unless it is computed.
        const previous = plainMap(olds);
        const computed = new Set(Object.keys(this.computedState(behaviour, previous, { id, previous }).computed));
        const changed = [...new Set([...Object.keys(olds), ...Object.keys(news)])].filter((key) =>
            key in news ? containsUnknown(news[key]) || !sameValue(olds[key], news[key]) : !computed.has(key),
        );
        // New provider default tags change tagsAll without any change to the resource's own inputs.
        if (behaviour.tagged && !changed.includes("tags") && !sameValue(olds.tagsAll, this.tagsAll(news.tags))) {
            changed.push("tagsAll");
        }
        const replacing = replacingProperties(behaviour);
        return { changes: changed.length > 0, replaces: changed.filter((key) => replacing.has(key)) };
    }

    async create(urn: string, inputs: PropertyMap): Promise<provider.CreateResult> {
        const { id, outputs } = this.realize(behaviourOf(resourceType(urn)), inputs);
        this.failIfPlanned("create", urn, { id, outputs });
        return { id, outs: outputs };
    }

    async read(id: string, _urn: string, props: PropertyMap): Promise<provider.ReadResult> {
        this.settings();
        return { id, props };
    }

    async update(id: string, urn: string, olds: PropertyMap, news: PropertyMap): Promise<provider.UpdateResult> {
        const { outputs } = this.realize(behaviourOf(resourceType(urn)), news, { id, previous: plainMap(olds) });
        this.failIfPlanned("update", urn, { id, outputs });
        return { outs: outputs };
    }

    async delete(_id: string, urn: string): Promise<void> {
        this.settings();
        this.failIfPlanned("delete", urn);
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

    /** Id and outputs (computed, overridden by the inputs) of the resource these inputs describe. */
    private realize(
        behaviour: ResourceBehaviour,
        inputs: PropertyMap,
        existing?: ExistingResource,
    ): { id: string; outputs: PropertyMap } {
        const { id, computed } = this.computedState(behaviour, plainMap(inputs), existing);
        return { id, outputs: { ...computed, ...inputs } };
    }

    /** The id and the outputs the provider adds to the inputs (region, ARN, generated ids, tagsAll). */
    private computedState(
        behaviour: ResourceBehaviour,
        inputs: PropertyMap,
        existing?: ExistingResource,
    ): { id: string; computed: PropertyMap } {
        const settings = this.settings();
        const region = behaviour.global ? settings.region : ((inputs.region as string | undefined) ?? settings.region);
        const { id, outputs } = behaviour.state(inputs, stateContext(settings, region, existing));
        return {
            id,
            computed: {
                ...(behaviour.global ? {} : { region }),
                ...outputs,
                ...(behaviour.tagged ? { tagsAll: this.tagsAll(inputs.tags) } : {}),
            },
        };
    }

    /** Provider default tags overlaid with the resource's own tags. */
    private tagsAll(tags: unknown): PropertyMap {
        return { ...this.settings().defaultTags, ...(plain(tags) as PropertyMap | undefined) };
    }

    private failIfPlanned(operation: Operation, urn: string, written?: { id: string; outputs: PropertyMap }): void {
        const [type, name] = [resourceType(urn), logicalName(urn)];
        const fault = plannedFault(this.env[FAULTS_ENV], operation, type, name);
        if (!fault) {
            return;
        }
        const message = faultMessage(fault, type, name);
        if (fault.partial && written) {
            // The provider server reports an error carrying an id as "created but failed to initialise".
            throw Object.assign(new Error(message), { id: written.id, properties: written.outputs, reasons: [message] });
        }
        throw new Error(message);
    }
}

function behaviourOf(type: string): ResourceBehaviour {
    if (!Object.hasOwn(RESOURCE_TYPES, type)) {
        throw new Error(`stand-in aws: resource type ${type} is not modelled; add an entry for it to ${RESOURCE_TYPES_FILE}`);
    }
    return RESOURCE_TYPES[type];
}

function replacingProperties(behaviour: ResourceBehaviour): Set<string> {
    const { naming } = behaviour;
    return new Set(
        [
            ...(behaviour.replaceOn ?? []),
            naming?.property,
            naming?.prefixProperty,
            behaviour.global ? undefined : "region",
        ].filter((key): key is string => key !== undefined),
    );
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

function stateContext(settings: ProviderSettings, region: string, existing?: ExistingResource): StateContext {
    const { account, partition, dnsSuffix } = settings;
    return {
        region,
        account,
        partition,
        dnsSuffix,
        previousId: existing?.id,
        previous: existing?.previous,
        arn: (service, resource) => `arn:${partition}:${service}:${region}:${account}:${resource}`,
        globalArn: (service, resource) => `arn:${partition}:${service}::${account}:${resource}`,
    };
}
