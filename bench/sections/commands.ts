/** Sections 4 and 5: wall time of the test commands and of the rehearsal, as a user runs them. */
import { REPO_ROOT } from "../../tools/offline/pulumi-cli";
import { runChild, tail } from "../lib/child";
import { Check, Row } from "../lib/report";
import { seconds, spread, summarize } from "../lib/stats";

export interface CommandFigures {
    rows: Row[];
    checks: Check[];
    notes: string[];
    data: Record<string, unknown>;
}

const UNIT_TARGET_SECONDS = 30;

/** `npm run <script>`, the way the README says to run it. */
async function npmRun(script: string, args: string[] = []) {
    return runChild("npm", ["run", script, ...(args.length > 0 ? ["--", ...args] : [])], { cwd: REPO_ROOT });
}

function mochaCounts(stdout: string): string {
    const count = (word: string) => Number(stdout.match(new RegExp(`(\\d+) ${word}`))?.[1] ?? 0);
    return `${count("passing")} passing, ${count("failing")} failing, ${count("pending")} pending`;
}

/** Mocha's list of failures after the summary: "  1) suite\n       test:" → "suite › test". */
function failingTests(stdout: string): string[] {
    const summary = stdout.slice(stdout.search(/\d+ failing/));
    const titles: string[] = [];
    const pattern = /^ {2}\d+\) (.+)\n((?: {5,}.+\n)*?)(?: {5,}(.+):\n)/gm;
    for (const match of summary.matchAll(pattern)) {
        titles.push([match[1], ...match[2].split("\n").map((l) => l.trim()).filter(Boolean), match[3].trim()].join(" › "));
    }
    return titles.slice(0, 10);
}

export async function testSuite(runs: number, log: (line: string) => void): Promise<CommandFigures> {
    const rows: Row[] = [];
    const checks: Check[] = [];
    const notes: string[] = [];
    const data: Record<string, unknown> = {};
    for (const script of ["test:unit", "test:engine"]) {
        const samples: number[] = [];
        let outcome = "";
        for (let i = 0; i < runs; i++) {
            log(`tests: npm run ${script} (${i + 1}/${runs})`);
            const result = await npmRun(script);
            samples.push(result.seconds);
            outcome = `${result.status === 0 ? "passed" : `exit ${result.status}`}; ${mochaCounts(result.stdout)}`;
            if (result.status !== 0) {
                const failing = failingTests(result.stdout);
                notes.push(`npm run ${script} did not pass (exit ${result.status}); its time still counts. ${failing.length > 0 ? `Failing: ${failing.join(" | ")}` : tail(result.stdout + result.stderr, 3).replace(/\n/g, " / ")}`);
            }
        }
        const summary = summarize(samples);
        rows.push({ label: `npm run ${script}`, value: `${spread(summary)}; ${outcome}` });
        data[script] = { ...summary, outcome };
        if (script === "test:unit") {
            checks.push({ name: "unit and policy tests", value: seconds(summary.median), target: `< ${UNIT_TARGET_SECONDS} s`, met: summary.median < UNIT_TARGET_SECONDS });
        }
    }
    return { rows, checks, notes, data };
}

export async function rehearsal(log: (line: string) => void): Promise<CommandFigures> {
    log("rehearsal: npm run rehearse -- --quiet");
    const result = await npmRun("rehearse", ["--quiet"]);
    const verdict = result.stdout.match(/rehearse: (every step ended as expected|\d+ step\(s\) did not end as expected) in ([\d.]+)s/);
    const rows: Row[] = [
        { label: "npm run rehearse -- --quiet (wall)", value: `${seconds(result.seconds)} (n=1); exit ${result.status}` },
        { label: "its own report", value: verdict ? `${verdict[1]} (steps took ${verdict[2]} s)` : "no closing line" },
    ];
    const notes = result.status === 0 ? [] : [`the rehearsal did not end as expected (exit ${result.status}): ${tail(result.stdout + result.stderr, 3).replace(/\n/g, " / ")}`];
    return { rows, checks: [], notes, data: { seconds: result.seconds, status: result.status, verdict: verdict?.[1] ?? null } };
}
