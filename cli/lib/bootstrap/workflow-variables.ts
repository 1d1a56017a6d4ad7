/**
 * The GitHub variables the workflows read (.github/workflows/*.yml), so the bootstrap prints exactly those: each
 * `vars.NAME`, and each `vars[format('NAME_{0}', …)]` once per environment of the model (the one computed form
 * they use). Any other computed name is refused: it could read a variable nobody would set.
 */
import * as fs from "fs";
import * as path from "path";
import { ENVIRONMENTS } from "../../../policy-pack/src/contract";

export const WORKFLOWS_DIR = path.join(".github", "workflows");

const PLAIN = /\bvars\.([A-Za-z_][A-Za-z0-9_]*)/g;
const PER_ENVIRONMENT = /\bvars\[\s*format\(\s*'([A-Za-z_][A-Za-z0-9_]*)\{0\}'/g;
const COMPUTED = /\bvars\[[^\]]*\]/g;

/** The names the texts read, sorted; `environments` fill in the per-environment names. */
export function variablesRead(texts: readonly string[], environments: readonly string[] = ENVIRONMENTS): string[] {
    const names = texts.flatMap((text) => {
        const unresolved = [...text.matchAll(COMPUTED)].map((m) => m[0]).filter((expression) => !new RegExp(PER_ENVIRONMENT.source).test(expression));
        if (unresolved.length > 0) {
            throw new Error(
                `a workflow reads a variable by a computed name (${unresolved.join(", ")}); use vars.NAME or vars[format('NAME_{0}', <environment>)], which the bootstrap can list`,
            );
        }
        return [
            ...[...text.matchAll(PLAIN)].map((m) => m[1]),
            ...[...text.matchAll(PER_ENVIRONMENT)].flatMap((m) => environments.map((environment) => `${m[1]}${environment}`)),
        ];
    });
    return [...new Set(names)].sort();
}

/** The names the checkout's workflows read. */
export function workflowVariables(checkout: string): string[] {
    const dir = path.join(checkout, WORKFLOWS_DIR);
    if (!fs.existsSync(dir)) {
        throw new Error(`${dir} does not exist: the bootstrap prints the variables the workflows there read; run it from a checkout of the repository`);
    }
    const files = fs.readdirSync(dir).filter((name) => /\.ya?ml$/.test(name));
    return variablesRead(files.map((name) => fs.readFileSync(path.join(dir, name), "utf8")));
}
