/**
 * GitHub Actions' OIDC identity in AWS: the provider, and the trust policies of the CI roles. A role trusts exact
 * subjects only (StringEquals, no wildcard): the environment a job runs in is what GitHub's environment protection
 * (reviewers, branch rules) guards, so a deploy role that trusted a branch or `pull_request` would let any such run
 * deploy. The names and subjects are the contract's (ci-identity.ts), which the bootstrap's policy pack reads too.
 */
import {
    environmentSubject,
    GITHUB_AUDIENCE_KEY,
    GITHUB_OIDC_AUDIENCE,
    GITHUB_SUBJECT_KEY,
    oidcProviderArn,
    previewEnvironment,
    pullRequestSubject,
} from "../../policy-pack/src/contract";
import { EnvironmentAccount } from "./accounts";

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
                        [GITHUB_AUDIENCE_KEY]: GITHUB_OIDC_AUDIENCE,
                        [GITHUB_SUBJECT_KEY]: subjects.length === 1 ? subjects[0] : subjects,
                    },
                },
            },
        ],
    };
}
