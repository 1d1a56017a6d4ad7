/**
 * The GitHub variables the workflows read, filled in from the bootstrap stacks' outputs: the backend, the region
 * and each environment's preview role as repository variables, each GitHub environment's deploy role; and each
 * environment's secrets provider, which is no variable but what its stacks are created with. A variable the
 * workflows read that the bootstrap does not make (the gate's commit, a pack change's approval) is listed as an
 * admin's, never invented.
 */
import { UsageError } from "../kit";
import { BootstrapOutputs } from "./outputs";

export interface GithubVariables {
    /** `owner/name`: the repository the roles trust. */
    githubRepository: string;
    /** Repository variables (Settings → Secrets and variables → Actions → Variables). */
    repository: Record<string, string>;
    /** GitHub environment → its variables (Settings → Environments → <env>). */
    environments: Record<string, Record<string, string>>;
    /** Environment → the `--secrets-provider` of its stacks (`pulumi stack init` or `change-secrets-provider`). */
    secretsProviders: Record<string, string>;
    /** Variables the workflows read that the bootstrap does not make: an admin sets them when needed (docs/ci.md). */
    notFromBootstrap: string[];
}

/** The variables, from the outputs, keeping exactly the names `read` (the workflows' own: workflow-variables.ts). */
export function githubVariables(outputs: BootstrapOutputs, read: readonly string[]): GithubVariables {
    const accounts = Object.values(outputs.accounts);
    const repository: Record<string, string> = {
        PULUMI_BACKEND_URL: outputs.tooling.backendUrl,
        AWS_REGION: oneRegion(accounts.flatMap((a) => Object.values(a.regions))),
    };
    const environments: Record<string, Record<string, string>> = {};
    for (const account of accounts) {
        for (const [environment, arn] of Object.entries(account.previewRoleArns)) {
            repository[`AWS_PREVIEW_ROLE_ARN_${environment}`] = arn;
        }
        for (const [environment, arn] of Object.entries(account.deployRoleArns)) {
            environments[environment] = { AWS_DEPLOY_ROLE_ARN: arn };
        }
    }
    const wanted = (values: Record<string, string>) => Object.fromEntries(Object.entries(values).filter(([name]) => read.includes(name)));
    const made = new Set([...Object.keys(repository), ...Object.values(environments).flatMap(Object.keys)]);
    return {
        githubRepository: oneRepository(outputs),
        repository: wanted(repository),
        environments: Object.fromEntries(Object.entries(environments).map(([environment, values]) => [environment, wanted(values)])),
        // In the model's order, as the environments (a stack's outputs come back sorted by name).
        secretsProviders: Object.fromEntries(
            [...Object.keys(environments), ...Object.keys(outputs.tooling.secretsProviders)]
                .filter((e, i, all) => e in outputs.tooling.secretsProviders && all.indexOf(e) === i)
                .map((e) => [e, outputs.tooling.secretsProviders[e]]),
        ),
        notFromBootstrap: read.filter((name) => !made.has(name)),
    };
}

/** The pull-request and drift jobs run in no GitHub environment and read one repository variable AWS_REGION. */
function oneRegion(regions: string[]): string {
    const distinct = [...new Set(regions)];
    if (distinct.length !== 1) {
        throw new UsageError(
            `the environments are in ${distinct.join(", ")}, but the workflows read one repository variable AWS_REGION; put every environment's atlas:awsRegion in one region, or give the workflows a region per environment`,
        );
    }
    return distinct[0];
}

function oneRepository(outputs: BootstrapOutputs): string {
    const trusted = Object.entries(outputs.accounts).map(([stack, account]) => `${stack}: ${account.githubRepository}`);
    const distinct = [...new Set(Object.values(outputs.accounts).map((a) => a.githubRepository))];
    if (distinct.length !== 1) {
        throw new UsageError(
            `the bootstrap stacks trust different repositories (${trusted.join(", ")}); set atlas-bootstrap:githubRepository alike in each and deploy them again`,
        );
    }
    return distinct[0];
}

const WHERE_REPOSITORY = "Settings → Secrets and variables → Actions → Variables";
const whereEnvironment = (environment: string) => `Settings → Environments → ${environment} → Environment variables`;
const SECRETS_PROVIDER_USE =
    "pulumi stack init <stack> --secrets-provider <provider>, or for an existing stack pulumi stack change-secrets-provider <provider>";

/** Lines to read and paste, grouped as GitHub's settings pages are. */
export function variablesText(variables: GithubVariables): string {
    const lines = (values: Record<string, string>) => Object.entries(values).map(([name, value]) => `  ${name}=${value}`);
    return [
        `repository ${variables.githubRepository}, variables (${WHERE_REPOSITORY}):`,
        ...lines(variables.repository),
        ...Object.entries(variables.environments).flatMap(([environment, values]) => [
            `environment ${environment} (${whereEnvironment(environment)}):`,
            ...lines(values),
        ]),
        `secrets providers of each environment's stacks (${SECRETS_PROVIDER_USE}):`,
        ...lines(variables.secretsProviders),
        ...adminLine(variables, ""),
    ].join("\n");
}

/** A script of `gh variable set` commands (the GitHub environments must exist first: they are made by hand). */
export function variablesScript(variables: GithubVariables): string {
    const repo = `--repo ${quoted(variables.githubRepository)}`;
    const set = (name: string, value: string, environment?: string) =>
        `gh variable set ${name} ${repo}${environment ? ` --env ${quoted(environment)}` : ""} --body ${quoted(value)}`;
    return [
        `# The GitHub variables of ${variables.githubRepository}, from the bootstrap stacks. Create the GitHub environments`,
        `# (${Object.keys(variables.environments).join(", ")}) and their reviewers first: gh cannot set an environment's variable before it exists.`,
        ...Object.entries(variables.repository).map(([name, value]) => set(name, value)),
        ...Object.entries(variables.environments).flatMap(([environment, values]) =>
            Object.entries(values).map(([name, value]) => set(name, value, environment)),
        ),
        `# Secrets providers, not variables: ${SECRETS_PROVIDER_USE}`,
        ...Object.entries(variables.secretsProviders).map(([environment, provider]) => `#   ${environment}: ${provider}`),
        ...adminLine(variables, "# "),
    ].join("\n");
}

function adminLine(variables: GithubVariables, prefix: string): string[] {
    return variables.notFromBootstrap.length > 0
        ? [`${prefix}not from the bootstrap, set by an admin when needed (docs/ci.md): ${variables.notFromBootstrap.join(", ")}`]
        : [];
}

/** A POSIX shell word: the values are ARNs and URLs, but a pasted script must not depend on that. */
function quoted(value: string): string {
    return /^[A-Za-z0-9_./:@=-]+$/.test(value) ? value : `'${value.replace(/'/g, `'\\''`)}'`;
}
