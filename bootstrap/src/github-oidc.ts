/**
 * GitHub Actions' OIDC identity in AWS: the provider, and the trust policies of the CI roles. A role trusts exact
 * subjects only (StringEquals, no wildcard): the environment a job runs in is what GitHub's environment protection
 * (reviewers, branch rules) guards, so a deploy role that trusted a branch or `pull_request` would let any such run
 * deploy. https://docs.github.com/en/actions/security-for-github-actions/security-hardening-your-deployments/configuring-openid-connect-in-amazon-web-services
 */
import { EnvironmentAccount } from "./accounts";

export const GITHUB_OIDC_HOST = "token.actions.githubusercontent.com";
export const GITHUB_OIDC_URL = `https://${GITHUB_OIDC_HOST}`;
export const GITHUB_OIDC_AUDIENCE = "sts.amazonaws.com";

export function oidcProviderArn(accountId: string): string {
    return `arn:aws:iam::${accountId}:oidc-provider/${GITHUB_OIDC_HOST}`;
}

/** The subject of a job in a GitHub environment of the repository. */
export function environmentSubject(repository: string, githubEnvironment: string): string {
    return `repo:${repository}:environment:${githubEnvironment}`;
}

/** The subject of a pull request's jobs (no environment). */
export function pullRequestSubject(repository: string): string {
    return `repo:${repository}:pull_request`;
}

/** The GitHub environment of a read-only job of an environment (promote-prod.yml's gate job: `prod-preview`). */
export function previewEnvironment(environment: string): string {
    return `${environment}-preview`;
}

/** Only the environment's own GitHub environment deploys it. */
export function deploySubjects(repository: string, account: EnvironmentAccount): string[] {
    return [environmentSubject(repository, account.environment)];
}

/**
 * Who previews an environment, read-only: pull requests (pull-request.yml), its own `<env>-preview` jobs, and the
 * jobs of the environments promoted from it, which read its cloud for drift before they judge or deploy
 * (promote-prod.yml assumes staging's preview role in `prod-preview` and in `prod`).
 */
export function previewSubjects(repository: string, account: EnvironmentAccount, all: EnvironmentAccount[]): string[] {
    const downstream = all.filter((other) => other.upstream === account.environment).map((other) => other.environment);
    return [
        pullRequestSubject(repository),
        environmentSubject(repository, previewEnvironment(account.environment)),
        ...downstream.flatMap((name) => [environmentSubject(repository, previewEnvironment(name)), environmentSubject(repository, name)]),
    ];
}

/** A trust policy for web identities of GitHub with exactly these subjects. */
export function githubTrustPolicy(accountId: string, subjects: string[]): object {
    return {
        Version: "2012-10-17",
        Statement: [
            {
                Effect: "Allow",
                Principal: { Federated: oidcProviderArn(accountId) },
                Action: "sts:AssumeRoleWithWebIdentity",
                Condition: {
                    StringEquals: {
                        [`${GITHUB_OIDC_HOST}:aud`]: GITHUB_OIDC_AUDIENCE,
                        [`${GITHUB_OIDC_HOST}:sub`]: subjects.length === 1 ? subjects[0] : subjects,
                    },
                },
            },
        ],
    };
}
