/**
 * A git repository in a temporary directory holding a small project tree, for the tests of the
 * release tooling that reads git (release identity, the trusted gate, promote's refusals).
 */
import { execFileSync } from "child_process";
import * as fs from "fs";
import * as os from "os";
import * as path from "path";

/** A small project tree: every kind of file the digest must include or leave out. */
export const PROJECT_FILES: Record<string, string> = {
    "index.ts": "export * from './src/program';\n",
    "src/program.ts": "export const workers = 10;\n",
    "glue/atlas_etl.py": "print('etl')\n",
    "Pulumi.yaml": "name: atlas\n",
    "Pulumi.staging.yaml": "config:\n  atlas:environment: staging\n",
    "Pulumi.prod.yaml": "config:\n  atlas:environment: prod\n",
    "package.json": "{}\n",
    "package-lock.json": "{}\n",
    "tsconfig.json": "{}\n",
    "policy-pack/index.ts": "// pack\n",
    "policy-pack/src/policies/gate.ts": "export const gate = true;\n",
    "policy-pack/PulumiPolicy.yaml": "runtime: nodejs\n",
    "policy-pack/tests/gate.spec.ts": "// test\n",
    "policy-pack/README.md": "# pack\n",
    "README.md": "# atlas\n",
    "docs/architecture.md": "# design\n",
    "tests/unit/x.spec.ts": "// test\n",
    "cli/promote.ts": "// promote\n",
    "tools/offline/workspace.ts": "// tool\n",
    ".github/workflows/release.yml": "on: push\n",
};

/** A git repository in a temporary directory, with the project files committed. */
export class ThrowAwayRepo {
    readonly dir = fs.mkdtempSync(path.join(os.tmpdir(), "atlas-identity-"));

    constructor(files: Record<string, string> = PROJECT_FILES) {
        this.git("init", "-q");
        for (const [file, text] of Object.entries(files)) {
            this.write(file, text);
        }
        this.commit("initial");
    }

    git(...args: string[]): string {
        return execFileSync("git", ["-c", "user.name=t", "-c", "user.email=t@example.com", "-c", "commit.gpgsign=false", ...args], {
            cwd: this.dir,
            encoding: "utf8",
        }).trim();
    }

    write(file: string, text: string): void {
        fs.mkdirSync(path.dirname(path.join(this.dir, file)), { recursive: true });
        fs.writeFileSync(path.join(this.dir, file), text);
    }

    commit(message: string): string {
        this.git("add", "-A");
        this.git("commit", "-q", "--allow-empty", "-m", message);
        return this.git("rev-parse", "HEAD");
    }

    remove(): void {
        fs.rmSync(this.dir, { recursive: true, force: true });
    }
}
