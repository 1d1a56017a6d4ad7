/**
 * What a deploy role's trust policy lets in, judged against the one subject it may trust: its own GitHub
 * environment's jobs (`repo:<owner>/<name>:environment:<env>`), whose reviewers and branch rules GitHub enforces.
 * Pull requests, branches, tags, patterns, another environment, other principals, or no subject condition at all
 * would let a run that no reviewer approved deploy.
 */
import { GITHUB_OIDC_HOST, GITHUB_SUBJECT_KEY, subjectMeaning } from "../../../policy-pack/src/contract";
import { Statement } from "../../../policy-pack/src/contract/access/documents";

/** Operators that compare the subject as it is; `StringLike` makes `*` and `?` wildcards (refused as patterns). */
const EXACT_OPERATORS = ["StringEquals", "StringLike", "ForAnyValue:StringEquals", "ForAnyValue:StringLike"];

/** Each thing wrong with the trust of `environment`'s deploy role, as a phrase after "it …"; none: only its environment. */
export function deployTrustProblems(statements: Statement[], environment: string): string[] {
    const problems: string[] = [];
    for (const statement of statements.filter((s) => s.effect === "Allow")) {
        statement.principals
            .filter((principal, index) => statement.principalKinds[index] !== "Federated" || !principal.endsWith(`:oidc-provider/${GITHUB_OIDC_HOST}`))
            .forEach((principal) => problems.push(`lets ${principal === "*" ? "everyone (*)" : principal} assume it, not only GitHub's jobs`));
        const tests = Object.entries(statement.condition).flatMap(([operator, keys]) =>
            Object.entries(keys ?? {})
                .filter(([key]) => key.toLowerCase() === GITHUB_SUBJECT_KEY)
                .map(([, values]) => ({ operator, values: (Array.isArray(values) ? values : [values]).map(String) })),
        );
        if (tests.length === 0) {
            problems.push(`sets no condition on ${GITHUB_SUBJECT_KEY}, so a workflow of any repository on GitHub may assume it`);
        }
        for (const { operator, values } of tests) {
            if (EXACT_OPERATORS.includes(operator)) {
                problems.push(...values.flatMap((subject) => subjectProblem(subject, environment)));
            } else {
                problems.push(`tests ${GITHUB_SUBJECT_KEY} with ${operator}, which lets in subjects other than those it names`);
            }
        }
    }
    return [...new Set(problems)];
}

function subjectProblem(subject: string, environment: string): string[] {
    const meaning = subjectMeaning(subject);
    switch (meaning.kind) {
        case "environment":
            return meaning.environment === environment ? [] : [`trusts GitHub environment "${meaning.environment}" (${subject}), not its own "${environment}"`];
        case "pull-request":
            return [`trusts pull requests (${subject}): any pull request's workflow could deploy`];
        case "branch":
        case "tag":
            return [
                `trusts ${meaning.kind} ${meaning.name} (${subject}): any workflow run on it could deploy, in no environment and so without the environment's reviewers`,
            ];
        case "pattern":
            return [`trusts the pattern ${subject}, which lets in more than its environment's jobs`];
        default:
            return [`trusts ${subject}, which is not its GitHub environment's subject`];
    }
}
