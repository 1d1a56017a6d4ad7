/** The `config:` section of Pulumi.yaml, derived from the key table (a unit test keeps them equal). */
import { CONFIG_KEY_NAMES, KeySpec, specOf } from "./schema";

export interface ProjectConfigType {
    type: KeySpec["type"];
    description: string;
    items?: { type: "string" };
    default?: string | number | boolean | readonly string[];
}

export function projectConfigSchema(): Record<string, ProjectConfigType> {
    const schema: Record<string, ProjectConfigType> = {};
    for (const key of CONFIG_KEY_NAMES) {
        const spec = specOf(key);
        const declared: ProjectConfigType = { type: spec.type, description: spec.description };
        if (spec.type === "array") {
            declared.items = { type: "string" };
        }
        // Pulumi requires a value for every declared key without a default; "" marks optional keys unset.
        if (spec.default !== undefined) {
            declared.default = spec.default;
        } else if (spec.optional) {
            declared.default = "";
        }
        schema[key] = declared;
    }
    return schema;
}
