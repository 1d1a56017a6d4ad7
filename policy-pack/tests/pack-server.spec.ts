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
import { NEXT, compliantStack, gateConfig, promotion, releaseFacts, releaseUpdate, stagingState, withProps } from "./fixtures";
import { ResourceSpec, UNKNOWN_OBJECT, allMessages, engineProps, secret, urnOf } from "./helpers";

const ROOT = path.resolve(__dirname, "../..");
const LEVELS = ["advisory", "mandatory", "disabled", "remediate"];

type Diagnostic = { policy: string; level: string; message: string };

describe("the pack served by run-policy-pack", function () {
    this.timeout(60_000);
    let server: ChildProcess;
    let client: AnalyzerClient;

    before(async () => {
        server = spawn(process.execPath, [require.resolve("@pulumi/pulumi/cmd/run-policy-pack"), "127.0.0.1:0", path.join(ROOT, "policy-pack")], {
            cwd: path.join(ROOT, "policy-pack"),
            stdio: ["ignore", "pipe", "inherit"],
        });
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

    async function configure(config: object): Promise<void> {
        const request = new analyzer.ConfigureAnalyzerRequest();
        for (const [policy, value] of Object.entries(config)) {
            const { enforcementLevel, ...properties } = typeof value === "string" ? { enforcementLevel: value } : (value as Record<string, unknown>);
            const policyConfig = new analyzer.PolicyConfig();
            policyConfig.setEnforcementlevel(LEVELS.indexOf((enforcementLevel as string | undefined) ?? "mandatory"));
            policyConfig.setProperties(Struct.fromJavaScript(JSON.parse(JSON.stringify(properties)) as Record<string, never>));
            request.getPolicyconfigMap().set(policy, policyConfig);
        }
        await new Promise<void>((resolve, reject) => client.configure(request, (error) => (error ? reject(error) : resolve())));
    }

    const optionsOf = (spec: ResourceSpec) => {
        const options = new analyzer.AnalyzerResourceOptions();
        options.setProtect(spec.protect ?? false);
        return options;
    };

    const diagnosticsOf = (response: analyzer.AnalyzeResponse): Diagnostic[] =>
        response.getDiagnosticsList().map((d) => ({ policy: d.getPolicyname(), level: LEVELS[d.getEnforcementlevel()], message: d.getMessage() }));

    /** Like the engine: each custom resource's inputs to the resource policies (Analyze), then the stack to the stack policies. */
    async function analyzeStack(stack: string, specs: ResourceSpec[]): Promise<{ diagnostics: Diagnostic[]; notApplicable: string[] }> {
        const byName = new Map(specs.map((s) => [s.name, s]));
        const resourceDiagnostics: Diagnostic[] = [];
        for (const spec of specs.filter((s) => s.provider !== undefined || s.type.startsWith("pulumi:providers:"))) {
            const request = new analyzer.AnalyzeRequest();
            request.setType(spec.type);
            request.setName(spec.name);
            request.setUrn(urnOf(stack, spec));
            request.setProperties(Struct.fromJavaScript(JSON.parse(JSON.stringify(spec.props))));
            request.setOptions(optionsOf(spec));
            const response = await new Promise<analyzer.AnalyzeResponse>((resolve, reject) =>
                client.analyze(request, (error, result) => (error ? reject(error) : resolve(result!))),
            );
            resourceDiagnostics.push(...diagnosticsOf(response));
        }
        const request = new analyzer.AnalyzeStackRequest();
        request.setResourcesList(
            specs.map((spec) => {
                const resource = new analyzer.AnalyzerResource();
                resource.setType(spec.type);
                resource.setName(spec.name);
                resource.setUrn(urnOf(stack, spec));
                resource.setProperties(Struct.fromJavaScript(JSON.parse(JSON.stringify(engineProps(spec)))));
                resource.setOptions(optionsOf(spec));
                const dependsOn = Object.entries(spec.dependsOn ?? {}).map(
                    ([key, names]) => [key, names.map((name) => urnOf(stack, byName.get(name)!))] as const,
                );
                resource.setDependenciesList([...new Set(dependsOn.flatMap(([, urns]) => urns))]);
                for (const [key, urns] of dependsOn) {
                    const dependencies = new analyzer.AnalyzerPropertyDependencies();
                    dependencies.setUrnsList(urns);
                    resource.getPropertydependenciesMap().set(key, dependencies);
                }
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
        const response = await new Promise<analyzer.AnalyzeResponse>((resolve, reject) =>
            client.analyzeStack(request, (error, result) => (error ? reject(error) : resolve(result!))),
        );
        const diagnostics = [...resourceDiagnostics, ...diagnosticsOf(response)];
        allMessages.push(...diagnostics.map((d) => d.message));
        return {
            diagnostics,
            notApplicable: response
                .getNotApplicableList()
                .map((n) => n.getPolicyName())
                .sort(),
        };
    }

    const summary = (diagnostics: Diagnostic[]) => diagnostics.map(({ policy, level }) => `${policy}:${level}`);

    it("passes the compliant prod stack promoted with the tooling's evidence (secrets and file assets compared as the checkpoint records them)", async () => {
        await configure(gateConfig());
        const result = await analyzeStack("prod", compliantStack("prod"));
        assert.deepStrictEqual(result.diagnostics, []);
        assert.deepStrictEqual(result.notApplicable, ["consumer-access-prod-only", "dev-cost-guardrails"]);
    });

    it("notes the engine's secret marks: a secret sent unmarked is refused by parity as [not secret]", async () => {
        await configure(gateConfig());
        const unmarked = withProps(compliantStack("prod"), "webhook-token", { value: "hunter2-webhook-token" });
        const result = await analyzeStack("prod", unmarked);
        // Refused before the resource's step (a resource policy, analyzed first) and by the whole-stack comparison.
        assert.deepStrictEqual(summary(result.diagnostics), ["staging-prod-parity-at-step:mandatory", "staging-prod-parity:mandatory"]);
        for (const diagnostic of result.diagnostics) {
            assert.match(diagnostic.message, /"webhook-token" value: staging \[secret sha256:[0-9a-f]{12}\], prod \[not secret\]/);
        }
    });

    it("accepts staging's release output marked secret, which arrives unmasked", async () => {
        await configure(gateConfig());
        const result = await analyzeStack("prod", compliantStack("prod", { upstreamRelease: secret(releaseFacts("staging")) }));
        assert.deepStrictEqual(result.diagnostics, []);
    });

    it("reports the release-identity gate as advisory when policy config says so, while parity stays mandatory", async () => {
        await configure(gateConfig({ promotion: promotion({ stagingChanges: [releaseUpdate(NEXT)] }) }, { "prod-release-matches-staging": "advisory" }));
        const result = await analyzeStack("prod", withProps(compliantStack("prod"), "etl", { numberOfWorkers: 8 }));
        assert.deepStrictEqual(summary(result.diagnostics), [
            "staging-prod-parity-at-step:mandatory",
            "prod-release-matches-staging:advisory",
            "staging-prod-parity:mandatory",
        ]);
        assert.match(
            result.diagnostics[1].message,
            /^Prod may only deploy the release \(version, commit and digest\) that staging runs now\.\n.*prod would deploy release 1\.4\.0 .* but staging runs 1\.5\.0/,
        );
        for (const index of [0, 2]) {
            assert.match(result.diagnostics[index].message, /Refused for stack "prod": prod differs from what staging runs in 1 place\(s\)/);
        }
    });

    it("keeps a mandatory gate mandatory when staging's release output is unknown during preview", async () => {
        await configure(gateConfig());
        const result = await analyzeStack("prod", compliantStack("prod", { upstreamRelease: UNKNOWN_OBJECT }));
        assert.deepStrictEqual(summary(result.diagnostics), ["prod-references-staging:mandatory"]);
        assert.match(result.diagnostics[0].message, /the value at \.upstreamRelease is unknown during preview/);
    });

    it("refuses a prod update without the tooling, telling the user to run promote", async () => {
        await configure({ "no-cross-environment-references": gateConfig()["no-cross-environment-references"] as object });
        const result = await analyzeStack("prod", compliantStack("prod"));
        assert.deepStrictEqual(summary(result.diagnostics), [
            "staging-prod-parity-at-step:mandatory",
            "prod-references-staging:mandatory",
            "prod-release-matches-staging:mandatory",
            "staging-prod-parity:mandatory",
            "staging-prod-parity:mandatory",
            "staging-evidence-verified:mandatory",
        ]);
        assert.ok(result.diagnostics.every((d) => d.message.includes("run `npm run promote -- --stack prod --version <release>` instead of `pulumi up`")));
    });

    it("refuses a changed consumer list only where it is not prod's own (the stack file's values are set aside)", async () => {
        const other = {
            ...stagingState(),
            environments: { ...stagingState().environments, prod: { ...stagingState().environments.prod, consumerPrincipals: [] } },
        };
        await configure(gateConfig({ stagingState: other }));
        const result = await analyzeStack("prod", compliantStack("prod"));
        assert.deepStrictEqual(summary(result.diagnostics), ["staging-prod-parity-at-step:mandatory", "staging-prod-parity:mandatory"]);
        for (const diagnostic of result.diagnostics) {
            assert.match(
                diagnostic.message,
                /"consumer-read" \(resource\): staging \(absent\), prod present/,
                "a consumer role its stack file does not call for",
            );
        }
    });

    it("reports the release gate as not applicable to staging", async () => {
        await configure({ "no-cross-environment-references": gateConfig()["no-cross-environment-references"] as object });
        const result = await analyzeStack("staging", compliantStack("staging"));
        assert.deepStrictEqual(result.diagnostics, []);
        assert.deepStrictEqual(result.notApplicable, [
            "dev-cost-guardrails",
            "prod-references-staging",
            "prod-release-matches-staging",
            "staging-evidence-verified",
            "staging-prod-parity",
            "staging-prod-parity-coverage",
        ]);
    });
});
