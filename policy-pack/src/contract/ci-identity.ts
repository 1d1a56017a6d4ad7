/**
 * The identity GitHub Actions' jobs take in AWS, written once for the bootstrap that makes it (bootstrap/) and the
 * bootstrap's policy pack that guards it (bootstrap/policy-pack/): GitHub's OIDC issuer, the CI roles' names, the
 * subjects a job presents, and the one Write a read-only CI role holds. No `@pulumi` dependency.
 * https://docs.github.com/en/actions/security-for-github-actions/security-hardening-your-deployments/configuring-openid-connect-in-amazon-web-services
 */

export const GITHUB_OIDC_HOST = "token.actions.githubusercontent.com";
export const GITHUB_OIDC_URL = `https://${GITHUB_OIDC_HOST}`;
export const GITHUB_OIDC_AUDIENCE = "sts.amazonaws.com";
/** The condition keys of GitHub's tokens in a trust policy. */
export const GITHUB_SUBJECT_KEY = `${GITHUB_OIDC_HOST}:sub`;
export const GITHUB_AUDIENCE_KEY = `${GITHUB_OIDC_HOST}:aud`;

/** The account's identity provider for GitHub's tokens (one per account). */
export function oidcProviderArn(accountId: string): string {
    return `arn:aws:iam::${accountId}:oidc-provider/${GITHUB_OIDC_HOST}`;
}

/** A deploy role changes its environment; a preview role only reads it (pull requests, the gate, drift checks). */
export type CiRole = "deploy" | "preview";
export const CI_ROLES: readonly CiRole[] = ["deploy", "preview"];

/** The start of every CI role's and CI policy's name. */
export const CI_IDENTITY_PREFIX = "github-actions-";

/**
 * A CI role's name. Deliberately outside the environment's name prefix, so the deploy role's grants on
 * `*<prefix>*` never reach the CI roles themselves.
 */
export function ciRoleName(environment: string, role: CiRole): string {
    return `${CI_IDENTITY_PREFIX}${environment}-${role}`;
}

/** The environment and kind of a CI role, read from its name; undefined for any other name. */
export function ciRoleOf(roleName: string): { environment: string; role: CiRole } | undefined {
    const match = new RegExp(`^${CI_IDENTITY_PREFIX}([a-z0-9][a-z0-9-]*)-(${CI_ROLES.join("|")})$`).exec(roleName);
    return match ? { environment: match[1], role: match[2] as CiRole } : undefined;
}

/** The subject of a job in a GitHub environment of the repository: the only subject a deploy role trusts. */
export function environmentSubject(repository: string, githubEnvironment: string): string {
    return `repo:${repository}:environment:${githubEnvironment}`;
}

/** The subject of a pull request's jobs (they run in no environment). */
export function pullRequestSubject(repository: string): string {
    return `repo:${repository}:pull_request`;
}

/** The GitHub environment of an environment's read-only jobs (promote-prod.yml's gate job: `prod-preview`). */
export function previewEnvironment(environment: string): string {
    return `${environment}-preview`;
}

/** What a subject of GitHub's tokens lets in, for a person reading a refusal. */
export type SubjectMeaning =
    | { kind: "environment"; repository: string; environment: string }
    | { kind: "pull-request"; repository: string }
    | { kind: "branch" | "tag"; repository: string; name: string }
    | { kind: "pattern" }
    | { kind: "other" };

/** Reads a subject; `*` and `?` make it a pattern (under StringLike they match any text). */
export function subjectMeaning(subject: string): SubjectMeaning {
    if (/[*?]/.test(subject)) {
        return { kind: "pattern" };
    }
    const match = /^repo:([^/:]+\/[^/:]+):(.+)$/.exec(subject);
    if (!match) {
        return { kind: "other" };
    }
    const [, repository, rest] = match;
    const environment = /^environment:(.+)$/.exec(rest);
    const ref = /^ref:refs\/(heads|tags)\/(.+)$/.exec(rest);
    return environment
        ? { kind: "environment", repository, environment: environment[1] }
        : rest === "pull_request"
          ? { kind: "pull-request", repository }
          : ref
            ? { kind: ref[1] === "heads" ? "branch" : "tag", repository, name: ref[2] }
            : { kind: "other" };
}

/**
 * What each CI role does with its stacks' secrets key. AWS files kms:Decrypt under Write, yet reading a stack whose
 * state holds secrets needs it: the one Write a preview role holds, and only on KMS keys (each key's policy limits
 * it to its environment's).
 */
export const SECRETS_KEY_ACTIONS: Readonly<Record<CiRole, readonly string[]>> = {
    deploy: ["kms:Decrypt", "kms:Encrypt", "kms:DescribeKey"],
    preview: ["kms:Decrypt", "kms:DescribeKey"],
};

/** True for the ARN pattern of KMS keys (`arn:aws:kms:<region>:<account>:key/<id>`, `*` allowed in each part). */
export function isKmsKeyArn(resource: string): boolean {
    return /^arn:[a-z-*]+:kms:[^:]*:[^:]*:key\/[^:]+$/.test(resource);
}
