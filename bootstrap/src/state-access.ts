/**
 * What a CI role may do with the release's state: its environment's stacks' objects in the state bucket (read and
 * write for deploy, read for preview), the upstream's objects read-only (prod's gate reads staging's state and
 * history), and its own secrets key. The same statements serve the role's identity policy (account stack) and,
 * with the role as principal, the bucket's policy (tooling stack): a cross-account read needs both.
 */
import { EnvironmentAccount } from "./accounts";
import { CiRole, SECRETS_KEY_ACTIONS } from "../../policy-pack/src/contract";
import { BACKEND_METADATA_KEY, stackNamePatterns, stateObjectKeys } from "./ci-names";
import { Statement } from "./statements";

export interface StateLocation {
    /** The main project's name: its stacks' objects live under it. */
    project: string;
    bucket: string;
    toolingAccountId: string;
    toolingRegion: string;
}

const READ = ["s3:GetObject"];
const WRITE = ["s3:GetObject", "s3:PutObject", "s3:DeleteObject"];

function objectArns(location: StateLocation, account: EnvironmentAccount): string[] {
    return stackNamePatterns(account).flatMap((pattern) => stateObjectKeys(location.project, pattern).map((key) => `arn:aws:s3:::${location.bucket}/${key}`));
}

/** The state statements of one CI role (without principal). */
export function stateStatements(location: StateLocation, account: EnvironmentAccount, all: EnvironmentAccount[], role: CiRole): Statement[] {
    const upstream = all.find((other) => other.environment === account.upstream);
    return [
        { Sid: "StateBucket", Effect: "Allow", Action: ["s3:ListBucket", "s3:GetBucketLocation"], Resource: [`arn:aws:s3:::${location.bucket}`] },
        { Sid: "BackendMetadata", Effect: "Allow", Action: READ, Resource: [`arn:aws:s3:::${location.bucket}/${BACKEND_METADATA_KEY}`] },
        { Sid: "OwnState", Effect: "Allow", Action: role === "deploy" ? WRITE : READ, Resource: objectArns(location, account) },
        ...(upstream ? [{ Sid: "UpstreamState", Effect: "Allow" as const, Action: READ, Resource: objectArns(location, upstream) }] : []),
    ];
}

/**
 * The identity side of the key grant: any key of the tooling account's region, because the keys' ids are assigned
 * when the tooling stack creates them; each key's policy is what limits a role to its own.
 */
export function secretsKeyStatement(location: StateLocation, role: CiRole): Statement {
    return {
        Sid: "SecretsKey",
        Effect: "Allow",
        Action: [...SECRETS_KEY_ACTIONS[role]],
        Resource: [`arn:aws:kms:${location.toolingRegion}:${location.toolingAccountId}:key/*`],
    };
}
