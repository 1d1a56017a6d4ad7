/**
 * A release's identity as the release tooling measures it from git, never as a program reports
 * it: the version label, the full commit, and a digest of every file that shapes a deployment.
 * `promote` records it in each update's message, so a stack's history says which code it runs.
 */
import { Parsed, describeType } from "./release-facts";

export interface ReleaseIdentity {
    /** The label people use: 1.4.0, 2026.11.26+run.7.g0123abcd. */
    version: string;
    /** The full git commit the release was built from. */
    commit: string;
    /** `sha256:<hex>` over the deployment inputs at that commit (see cli/lib/gate/release-identity.ts). */
    digest: string;
}

/** The stack tag `promote` sets to the version of the release a stack runs after each successful update. */
export const RELEASE_STACK_TAG = "atlas:release";

/** How the release tooling tells the program which release it deploys (the program reports it in its outputs). */
export const RELEASE_ENV = { version: "ATLAS_RELEASE_VERSION", commit: "ATLAS_RELEASE_COMMIT", digest: "ATLAS_RELEASE_DIGEST" } as const satisfies Record<
    keyof ReleaseIdentity,
    string
>;

export function releaseEnv(identity: ReleaseIdentity): Record<string, string> {
    return { [RELEASE_ENV.version]: identity.version, [RELEASE_ENV.commit]: identity.commit, [RELEASE_ENV.digest]: identity.digest };
}

/** Which policy pack judged a prod update: one pinned by prod's protected settings, prod's own release's, or the candidate's (first deployment). */
export type GateSource = "pinned" | "prod-release" | "bootstrap";

export interface GateRecord {
    source: GateSource;
    /** The commit the pack was taken from. */
    commit: string;
    /** The git tree of the candidate's `policy-pack/`, when it differs from the judging pack's and its change was approved. */
    packChange?: string;
}

const GATE_SOURCES: readonly string[] = ["pinned", "prod-release", "bootstrap"] satisfies GateSource[];
const COMMIT = /^[0-9a-f]{40}([0-9a-f]{24})?$/;
const DIGEST = /^sha256:[0-9a-f]{64}$/;
const SEMVER = /^\d+\.\d+\.\d+(-[0-9A-Za-z.-]+)?(\+[0-9A-Za-z.-]+)?$/;
const MESSAGE = /^atlas release (\S+) commit=(\S+) digest=(\S+)(?: gate=([a-z-]+):([0-9a-f]+)(?: pack-change=([0-9a-f]{40}|[0-9a-f]{64}))?)?$/;

/** True for a version CI or promote may assign: a semantic version such as 1.4.0 or 2026.11.26+run.7. */
export function isAssignableVersion(version: string): boolean {
    return SEMVER.test(version);
}

/** The update message `promote` records: `atlas release <version> commit=<sha> digest=<sha256> gate=<source>:<sha> [pack-change=<tree>]`. */
export function releaseMessage(identity: ReleaseIdentity, gate?: GateRecord): string {
    const base = `atlas release ${identity.version} commit=${identity.commit} digest=${identity.digest}`;
    return gate ? `${base} gate=${gate.source}:${gate.commit}${gate.packChange ? ` pack-change=${gate.packChange}` : ""}` : base;
}

/** The identity (and gate) an update message records, or undefined for any other message. */
export function parseReleaseMessage(message: string | undefined): { identity: ReleaseIdentity; gate?: GateRecord } | undefined {
    const match = MESSAGE.exec((message ?? "").trim());
    if (!match) {
        return undefined;
    }
    const [, version, commit, digest, source, gateCommit, packChange] = match;
    const identity = parseReleaseIdentity({ version, commit, digest }, "message");
    if (!identity.ok || (source !== undefined && (!GATE_SOURCES.includes(source) || !COMMIT.test(gateCommit)))) {
        return undefined;
    }
    const gate = source === undefined ? undefined : { source: source as GateSource, commit: gateCommit, ...(packChange ? { packChange } : {}) };
    return { identity: identity.value, gate };
}

/** Reads an identity from untrusted data; every problem is reported. */
export function parseReleaseIdentity(value: unknown, what: string): Parsed<ReleaseIdentity> {
    if (value === null || typeof value !== "object" || Array.isArray(value)) {
        return { ok: false, problems: [`${what} should be {version, commit, digest} (got ${describeType(value)})`] };
    }
    const record = value as Record<string, unknown>;
    const problems: string[] = [];
    if (typeof record.version !== "string" || !isAssignableVersion(record.version)) {
        problems.push(`${what}.version should be a semantic version (got ${JSON.stringify(record.version ?? null)})`);
    }
    if (typeof record.commit !== "string" || !COMMIT.test(record.commit)) {
        problems.push(`${what}.commit should be a full git commit id (got ${JSON.stringify(record.commit ?? null)})`);
    }
    if (typeof record.digest !== "string" || !DIGEST.test(record.digest)) {
        problems.push(`${what}.digest should be a sha256 digest (got ${JSON.stringify(record.digest ?? null)})`);
    }
    return problems.length > 0
        ? { ok: false, problems }
        : { ok: true, value: { version: record.version as string, commit: record.commit as string, digest: record.digest as string } };
}

/** `1.4.0 (commit 0123456789ab, digest sha256:89abcdef0123)`: short enough for messages. */
export function describeIdentity(identity: ReleaseIdentity): string {
    return `${identity.version} (commit ${identity.commit.slice(0, 12)}, digest ${identity.digest.slice(0, 19)})`;
}

/** The fields in which two identities differ, each as `field: a vs b`. */
export function identityDifferences(a: ReleaseIdentity, b: ReleaseIdentity): (keyof ReleaseIdentity)[] {
    return (["version", "commit", "digest"] as const).filter((field) => a[field] !== b[field]);
}
