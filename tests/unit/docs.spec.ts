/**
 * Docs that cannot rot silently: every relative link in the README, CONTRIBUTING.md and docs/ resolves (the file, and
 * the heading an anchor names), and every `npm run <script>` they show exists, with only flags its command accepts.
 */
import { strict as assert } from "assert";
import * as fs from "fs";
import * as path from "path";

const ROOT = path.resolve(__dirname, "..", "..");
const PAGES = ["README.md", "CONTRIBUTING.md", ...fs.readdirSync(path.join(ROOT, "docs")).map((f) => path.join("docs", f))].filter((f) => f.endsWith(".md"));

/** A page's prose and its code, apart: links are read in prose only, commands in both. */
function partsOf(text: string): { prose: string[]; code: string[] } {
    const prose: string[] = [];
    const code: string[] = [];
    let fenced = false;
    for (const line of text.split("\n")) {
        if (/^\s*```/.test(line)) {
            fenced = !fenced;
        } else {
            (fenced ? code : prose).push(line);
        }
    }
    return { prose, code };
}

/** GitHub's anchors for a page's headings (lower case, punctuation dropped, spaces to dashes, repeats numbered). */
export function anchorsOf(text: string): Set<string> {
    const seen = new Map<string, number>();
    const anchors = new Set<string>();
    for (const line of partsOf(text).prose) {
        const heading = /^#{1,6}\s+(.*?)\s*#*\s*$/.exec(line);
        if (!heading) {
            continue;
        }
        const base = heading[1]
            .replace(/`/g, "")
            .replace(/\[([^\]]*)\]\([^)]*\)/g, "$1")
            .toLowerCase()
            .replace(/[^\p{L}\p{N}\s_-]/gu, "")
            .replace(/\s/g, "-");
        const count = seen.get(base) ?? 0;
        seen.set(base, count + 1);
        anchors.add(count === 0 ? base : `${base}-${count}`);
    }
    return anchors;
}

/** Every broken relative link of the page, as `page: target (why)`. */
export function brokenLinks(page: string, text: string, read: (file: string) => string | undefined): string[] {
    const broken: string[] = [];
    for (const line of partsOf(text).prose) {
        for (const match of line.replace(/`[^`]*`/g, "").matchAll(/\]\(([^)\s]+)\)/g)) {
            const target = match[1];
            if (/^[a-z]+:/.test(target)) {
                continue;
            }
            const [file, anchor] = target.split("#");
            const resolved = file === "" ? page : path.normalize(path.join(path.dirname(page), file));
            const content = read(resolved);
            if (content === undefined) {
                broken.push(`${page}: ${target} (no file ${resolved})`);
            } else if (anchor !== undefined && resolved.endsWith(".md") && !anchorsOf(content).has(anchor)) {
                broken.push(`${page}: ${target} (no heading #${anchor} in ${resolved})`);
            }
        }
    }
    return broken;
}

/** The `npm run` calls of a page with the flags shown with them (a table row's flags belong to its command). */
export function npmCalls(text: string): { script: string; flags: string[] }[] {
    const { prose, code } = partsOf(text);
    const calls: { script: string; flags: string[] }[] = [];
    const flagsIn = (s: string) => [...s.matchAll(/(?<=[\s`(]|^)(--[a-z][\w-]*)/g)].map((m) => m[1]).filter((f) => f !== "--silent");
    for (const line of prose) {
        // A commands table row (its first cell a command): the flags of its other cells are that command's.
        const row = /^\|\s*`npm run (?:--silent )?([\w:-]+)[^`]*`/.exec(line);
        const spans = [...line.matchAll(/`([^`]*npm run [^`]*)`/g)];
        for (const [index, span] of spans.entries()) {
            for (const call of span[1].matchAll(/npm run (?:--silent )?([\w:-]+)([^|;&>#]*)/g)) {
                calls.push({ script: call[1], flags: flagsIn(call[2]) });
            }
            if (row && index === 0) {
                const others = line.slice(span.index! + span[0].length).replace(/`[^`]*npm run [^`]*`/g, "");
                calls.push({ script: row[1], flags: flagsIn(others) });
            }
        }
    }
    for (const line of code) {
        for (const call of line.replace(/\s#.*$/, "").matchAll(/npm run (?:--silent )?([\w:-]+)([^|;&>]*)/g)) {
            calls.push({ script: call[1], flags: flagsIn(call[2]) });
        }
    }
    return calls;
}

const read = (file: string): string | undefined => {
    const full = path.join(ROOT, file);
    return fs.existsSync(full) && fs.statSync(full).isFile() ? fs.readFileSync(full, "utf8") : fs.existsSync(full) ? "" : undefined;
};

describe("docs that stay true", () => {
    it("are the README, CONTRIBUTING.md and a page per subject in docs/", () => {
        const missing = PAGES.filter((page) => read(page) === undefined);
        assert.deepEqual(missing, []);
        assert.ok(PAGES.length >= 10, PAGES.join(", "));
    });

    it("link only to files and headings that exist", () => {
        assert.deepEqual(
            PAGES.flatMap((page) => brokenLinks(page, read(page) ?? "", read)),
            [],
        );
    });

    it("show only npm scripts that exist, with flags their commands accept", () => {
        const scripts = (JSON.parse(read("package.json")!) as { scripts: Record<string, string> }).scripts;
        const problems: string[] = [];
        let seen = 0;
        for (const page of PAGES) {
            for (const { script, flags } of npmCalls(read(page) ?? "")) {
                seen++;
                if (!scripts[script]) {
                    problems.push(`${page}: npm run ${script}: package.json has no such script`);
                    continue;
                }
                const command = /^ts-node (cli\/[\w-]+\.ts)$/.exec(scripts[script])?.[1];
                const usage = command ? read(command)! : "";
                for (const flag of command ? flags : []) {
                    if (![" ", "\n", "]", '"'].some((after) => usage.includes(`${flag}${after}`))) {
                        problems.push(`${page}: npm run ${script} ${flag}: the command's usage has no such flag`);
                    }
                }
            }
        }
        assert.ok(seen > 30, `read the docs' npm run calls (${seen})`);
        assert.deepEqual(problems, []);
    });

    it("catch a broken link, a missing heading and an unknown flag (the checks can fail)", () => {
        const files: Record<string, string> = { "docs/a.md": "# A page\n\n## Its part\n", "README.md": "" };
        const page = "see [a](docs/a.md#its-part), [b](docs/b.md), [c](docs/a.md#elsewhere), `[not a link](x.md)`, [web](https://example.com)";
        assert.deepEqual(
            brokenLinks("README.md", page, (f) => files[f]),
            ["README.md: docs/b.md (no file docs/b.md)", "README.md: docs/a.md#elsewhere (no heading #elsewhere in docs/a.md)"],
        );
        assert.deepEqual(
            npmCalls(
                "```sh\nnpm run drift -- --stack prod --bogus   # a --comment\n```\n| `npm run status` | `--format json`, as `npm run parity -- --deployed` counts |",
            ),
            [
                { script: "status", flags: [] },
                { script: "status", flags: ["--format"] },
                { script: "parity", flags: ["--deployed"] },
                { script: "drift", flags: ["--stack", "--bogus"] },
            ],
        );
        assert.deepEqual(
            [...anchorsOf("# Title\n## What `promote` does\n## Part\n## Part\n```\n# not a heading\n```")],
            ["title", "what-promote-does", "part", "part-1"],
        );
    });
});
