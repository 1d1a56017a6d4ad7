// What the provider answers to a Create or Update during a preview: its plan, as the bridged provider returns
// Terraform's planned state. The plan knows the inputs, the schema defaults and what the provider derives from
// its own configuration (region, tagsAll). What AWS assigns on write (ids, ARNs, dates, versions) is unknown for
// a create; for an update it keeps its previous value unless the update would change it.
//
// `previous` is whatever the caller knows of the resource as it is now (today the outputs the engine sends back);
// nothing here reads Pulumi's state itself.
import { unknownValue } from "@pulumi/pulumi/runtime/rpc";
import { PropertyMap, sameValue } from "./property-values";

/** Outputs besides the inputs: `planned` are known before the call, `assigned` only once AWS is written. */
export interface ComputedOutputs {
    readonly planned: PropertyMap;
    readonly assigned: PropertyMap;
}

/** A written resource's outputs; an input wins over a computed output of the same name. */
export function writtenOutputs(inputs: PropertyMap, computed: ComputedOutputs): PropertyMap {
    return definedOnly({ ...computed.planned, ...computed.assigned, ...inputs });
}

/** A create's outputs as a preview plans them. Assigned outputs are left out, which the engine reports as unknown. */
export function plannedCreate(inputs: PropertyMap, computed: ComputedOutputs): PropertyMap {
    return definedOnly({ ...computed.planned, ...inputs });
}

/** An update's outputs as a preview plans them: an assigned output the update would change is unknown. */
export function plannedUpdate(inputs: PropertyMap, computed: ComputedOutputs, previous: PropertyMap): PropertyMap {
    const assigned = Object.fromEntries(
        Object.entries(computed.assigned).map(([key, value]) => [key, sameValue(previous[key], value) ? previous[key] : unknownValue]),
    );
    return definedOnly({ ...computed.planned, ...assigned, ...inputs });
}

/** Absent and undefined are the same to Pulumi, but a protobuf Struct cannot carry undefined. */
function definedOnly(outputs: PropertyMap): PropertyMap {
    return Object.fromEntries(Object.entries(outputs).filter(([, value]) => value !== undefined));
}
