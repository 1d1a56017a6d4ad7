/**
 * The pack as the engine talks to it: `run-policy-pack` serves index.ts over gRPC, and these
 * tests send it what the CLI sends (configure, analyzeStack). This covers what hand-built
 * arguments cannot: @pulumi/policy's own enforcement-level resolution from policy config, its
 * deserialisation of secrets and unknowns, and `notApplicable` reporting.
 */
import * as assert from "assert";
import { ChildProcess, spawn } from "child_process";
import * as path from "path";
import * as grpc from "@grpc/grpc-js";
import { Struct } from "google-protobuf/google/protobuf/struct_pb";
import * as analyzer from "@pulumi/pulumi/proto/analyzer_pb";
import { AnalyzerClient } from "@pulumi/pulumi/proto/analyzer_grpc_pb";
import { buildPromotionConfig } from "../src/config";
import { ENVIRONMENTS_CONFIG, PARITY_CONFIG, STAGING_RELEASE, compliantStack, evidence, platform, releaseOf } from "./fixtures";
import { ResourceSpec, UNKNOWN_OBJECT, allMessages, urnOf } from "./helpers";

const ROOT = path.resolve(__dirname, "../..");
const LEVELS = ["advisory", "mandatory", "disabled", "remediate"];
/** The wire form of a secret value (@pulumi/pulumi's specialSigKey / specialSecretSig). */
const asSecret = (value: unknown) => ({ "4dabf18193072939515e22adb298388d": "1b47061264138c4ac30d75fd1eb44270", value });

type Diagnostic = { policy: string; level: string; message: string };

describe("the pack served by run-policy-pack", function () {
    this.timeout(60_000);
    let server: ChildProcess;
    let client: AnalyzerClient;

    before(async () => {
        server = spawn(process.execPath, [require.resolve("@pulumi/pulumi/cmd/run-policy-pack"), "127.0.0.1:0", path.join(ROOT, "policy-pack")], { cwd: ROOT, stdio: ["ignore", "pipe", "inherit"] });
        const port = await new Promise<string>((resolve, reject) => {
            server.stdout!.once("data", (chunk: Buffer) => resolve(chunk.toString().trim()));
            server.once("exit", (code) => reject(new Error(`run-policy-pack exited with ${code}`)));
        });
        client = new AnalyzerClient(`127.0.0.1:${port}`, grpc.credentials.createInsecure());
    });

    after(() => {
        client?.close();
        server?.kill();
    });

    async function configure(config: Record<string, unknown>): Promise<void> {
        const request = new analyzer.ConfigureAnalyzerRequest();
        for (const [policy, value] of Object.entries(config)) {
            const { enforcementLevel, ...properties } = typeof value === "string" ? { enforcementLevel: value } : (value as Record<string, unknown>);
            const policyConfig = new analyzer.PolicyConfig();
            policyConfig.setEnforcementlevel(LEVELS.indexOf((enforcementLevel as string | undefined) ?? "mandatory"));
            policyConfig.setProperties(Struct.fromJavaScript(properties as Record<string, never>));
            request.getPolicyconfigMap().set(policy, policyConfig);
        }
        await new Promise<void>((resolve, reject) => client.configure(request, (error) => (error ? reject(error) : resolve())));
    }

    async function analyzeStack(stack: string, specs: ResourceSpec[]): Promise<{ diagnostics: Diagnostic[]; notApplicable: string[] }> {
        const byName = new Map(specs.map((s) => [s.name, s]));
        const request = new analyzer.AnalyzeStackRequest();
        request.setResourcesList(
            specs.map((spec) => {
                const resource = new analyzer.AnalyzerResource();
                resource.setType(spec.type);
                resource.setName(spec.name);
                resource.setUrn(urnOf(stack, spec));
                resource.setProperties(Struct.fromJavaScript(JSON.parse(JSON.stringify(spec.props ?? {}))));
                const options = new analyzer.AnalyzerResourceOptions();
                options.setProtect(spec.protect ?? false);
                resource.setOptions(options);
                if (spec.provider) {
                    const providerSpec = byName.get(spec.provider)!;
                    const provider = new analyzer.AnalyzerProviderResource();
                    provider.setType(providerSpec.type);
                    provider.setName(providerSpec.name);
                    provider.setUrn(urnOf(stack, providerSpec));
                    provider.setProperties(Struct.fromJavaScript(providerSpec.props as Record<string, never>));
                    resource.setProvider(provider);
                }
                return resource;
            }),
        );
        const response = await new Promise<analyzer.AnalyzeResponse>((resolve, reject) => client.analyzeStack(request, (error, result) => (error ? reject(error) : resolve(result!))));
        const diagnostics = response.getDiagnosticsList().map((d) => ({ policy: d.getPolicyname(), level: LEVELS[d.getEnforcementlevel()], message: d.getMessage() }));
        allMessages.push(...diagnostics.map((d) => d.message));
        return { diagnostics, notApplicable: response.getNotApplicableList().map((n) => n.getPolicyName()).sort() };
    }

    const promotion = (extra = {}) => ({ ...buildPromotionConfig(evidence(), extra), "no-cross-environment-references": ENVIRONMENTS_CONFIG });

    it("passes the compliant prod stack promoted with the tooling's evidence", async () => {
        await configure(promotion());
        const result = await analyzeStack("prod", compliantStack("prod"));
        assert.deepStrictEqual(result.diagnostics, []);
        assert.deepStrictEqual(result.notApplicable, ["consumer-access-prod-only", "dev-cost-guardrails"]);
    });

    it("accepts staging's facts marked secret, which arrive unmasked", async () => {
        await configure(promotion());
        const result = await analyzeStack("prod", compliantStack("prod", { upstreamRelease: asSecret(STAGING_RELEASE) }));
        assert.deepStrictEqual(result.diagnostics, []);
    });

    it("reports the version gate as advisory when policy config says so, while parity stays mandatory", async () => {
        await configure(promotion({ "prod-version-matches-staging": "advisory" }));
        const drifted = releaseOf("prod", platform("prod"), { version: "1.5.0", parityConfig: { ...PARITY_CONFIG, glueNumberOfWorkers: 8 } });
        const result = await analyzeStack("prod", compliantStack("prod", { release: drifted }));
        assert.deepStrictEqual(
            result.diagnostics.map(({ policy, level }) => `${policy}:${level}`),
            ["prod-version-matches-staging:advisory", "prod-version-matches-staging:advisory", "staging-prod-parity:mandatory"],
        );
        assert.match(result.diagnostics[0].message, /^Prod may only deploy the release version that staging's last successful update deployed\.\nRefused for stack "prod": prod would deploy release 1\.5\.0/);
    });

    it("keeps a mandatory gate mandatory when staging's facts are unknown during preview", async () => {
        await configure(promotion());
        const result = await analyzeStack("prod", compliantStack("prod", { upstreamRelease: UNKNOWN_OBJECT }));
        const gate = result.diagnostics.filter((d) => d.policy !== "prod-version-matches-staging" && d.policy !== "staging-prod-parity");
        assert.deepStrictEqual(gate.map(({ policy, level }) => `${policy}:${level}`), ["prod-references-staging:mandatory", "staging-evidence-verified:mandatory"]);
        assert.ok(gate.every((d) => d.message.includes("the value at .upstreamRelease is unknown during preview")));
    });

    it("refuses a prod update without the tooling, telling the user to run promote", async () => {
        await configure({ "no-cross-environment-references": ENVIRONMENTS_CONFIG });
        const result = await analyzeStack("prod", compliantStack("prod"));
        assert.deepStrictEqual(result.diagnostics.map(({ policy, level }) => `${policy}:${level}`), ["staging-evidence-verified:mandatory"]);
        assert.match(result.diagnostics[0].message, /run `npm run promote -- --stack prod --version <release>` instead of `pulumi up`/);
    });

    it("reports the release gate as not applicable to staging", async () => {
        await configure({ "no-cross-environment-references": ENVIRONMENTS_CONFIG });
        const result = await analyzeStack("staging", compliantStack("staging"));
        assert.deepStrictEqual(result.diagnostics, []);
        assert.deepStrictEqual(result.notApplicable, ["dev-cost-guardrails", "prod-references-staging", "prod-stateful-protected", "prod-version-matches-staging", "staging-evidence-verified", "staging-prod-parity"]);
    });
});
