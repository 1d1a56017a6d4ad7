/**
 * In CI, every variable the workflows read is set. The list is derived from the workflow and action files
 * (`vars.NAME`, `secrets.NAME`, and `vars[format('NAME_{0}', …)]` once per environment of the model, as the
 * workflows' matrices name every environment), never kept by hand. The gate's settings are left out: unset is
 * their normal state, and their own check reads them. A job runs doctor with the variables in its step's `env:`.
 */
import * as fs from "fs";
import * as path from "path";
import { ENVIRONMENTS } from "../../../policy-pack/src/contract";
import { PACK_CHANGE_ENV, PINNED_GATE_ENV } from "../gate";
import { Finding, notChecked, ok, problem } from "./check-result";

export const CI_CHECK = "CI variables";
const OPTIONAL = [PINNED_GATE_ENV, PACK_CHANGE_ENV, "GITHUB_TOKEN"];

/** The names a workflow or action file reads from the repository's or environments' variables and secrets. */
export function variablesRead(text: string, environments: readonly string[] = ENVIRONMENTS): string[] {
    const plain = [...text.matchAll(/\b(?:vars|secrets)\.([A-Za-z_][A-Za-z0-9_]*)/g)].map((m) => m[1]);
    const perEnvironment = [...text.matchAll(/\bvars\[\s*format\(\s*'([A-Za-z_][A-Za-z0-9_]*)\{0\}'/g)].flatMap((m) =>
        environments.map((environment) => `${m[1]}${environment}`),
    );
    return [...new Set([...plain, ...perEnvironment])].filter((name) => !OPTIONAL.includes(name)).sort();
}

/** Every variable `.github/workflows/*.yml` and `.github/actions/<name>/action.yml` of the checkout read. */
export function workflowVariables(checkout: string): string[] {
    const github = path.join(checkout, ".github");
    const files = [
        ...listYaml(path.join(github, "workflows")),
        ...listDirs(path.join(github, "actions")).flatMap((dir) => listYaml(dir).filter((f) => /action\.ya?ml$/.test(f))),
    ];
    return [...new Set(files.flatMap((file) => variablesRead(fs.readFileSync(file, "utf8"))))].sort();
}

export function ciFindings(variables: readonly string[], env: NodeJS.ProcessEnv): Finding[] {
    if (env.GITHUB_ACTIONS !== "true") {
        return [
            notChecked(
                CI_CHECK,
                `not in GitHub Actions (GITHUB_ACTIONS is not true); there, doctor checks the ${variables.length} the workflows read: ${variables.join(", ")}`,
            ),
        ];
    }
    const missing = variables.filter((name) => !env[name]);
    return missing.length === 0
        ? [ok(CI_CHECK, `all ${variables.length} the workflows read are set`)]
        : [
              problem(
                  CI_CHECK,
                  `${missing.length} of the ${variables.length} variables the workflows read ${missing.length === 1 ? "is" : "are"} not set: ${missing.join(", ")}`,
                  `set each in the repository's or the environment's variables (Settings → Environments) and pass it to doctor's step (env: NAME: \${{ vars.NAME }}); the bootstrap stacks' outputs hold their values`,
              ),
          ];
}

function listYaml(dir: string): string[] {
    return fs.existsSync(dir)
        ? fs
              .readdirSync(dir)
              .filter((f) => /\.ya?ml$/.test(f))
              .map((f) => path.join(dir, f))
        : [];
}

function listDirs(dir: string): string[] {
    return fs.existsSync(dir)
        ? fs
              .readdirSync(dir, { withFileTypes: true })
              .filter((e) => e.isDirectory())
              .map((e) => path.join(dir, e.name))
        : [];
}
