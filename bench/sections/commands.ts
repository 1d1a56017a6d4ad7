/** Sections 4 and 5: wall time of the test commands and of the rehearsal, as a user runs them. */
import { REPO_ROOT } from "../../tools/offline/pulumi-cli";
import { runChild, tail } from "../lib/child";
import { Check, Row } from "../lib/report";
import { seconds } from "../lib/stats";

export interface CommandFigures {
    rows: Row[];
    checks: Check[];
    notes: string[];
    data: Record<string, unknown>;
}

const UNIT_TARGET_SECONDS = 30;
/** The whole `npm test` on the 2-core machine (issue 15). */
const TEST_TARGET_SECONDS = 600;

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
        titles.push(
            [
                match[1],
                ...match[2]
                    .split("\n")
                    .map((l) => l.trim())
                    .filter(Boolean),
                match[3].trim(),
            ].join(" › "),
        );
    }
    return titles.slice(0, 10);
}

/** `npm test` once, as the README runs it: its wall time, each phase's time, and each engine file's time. */
export async function testSuite(log: (line: string) => void): Promise<CommandFigures> {
    log("tests: npm test");
    const result = await runChild("npm", ["test"], { cwd: REPO_ROOT });
    const rows: Row[] = [
        { label: "npm test (wall)", value: `${seconds(result.seconds)}; exit ${result.status}; ${mochaCounts(result.stdout)} (engine phase)` },
    ];
    const phases = [...result.stdout.matchAll(/^=== (.+): (ok|FAILED \(exit \d+\)) in ([\d.]+)s ===$/gm)].map((m) => ({
        phase: m[1],
        outcome: m[2],
        seconds: Number(m[3]),
    }));
    for (const phase of phases) {
        rows.push({ label: `  phase: ${phase.phase}`, value: `${seconds(phase.seconds)} (${phase.outcome})` });
    }
    const files = [...result.stdout.matchAll(/\[file time\] (\S+): ([\d.]+)s/g)]
        .map((m) => ({ file: m[1], seconds: Number(m[2]) }))
        .sort((a, b) => b.seconds - a.seconds);
    for (const file of files) {
        rows.push({ label: `  engine file: ${file.file}`, value: seconds(file.seconds) });
    }
    const unit = phases.find((p) => p.phase === "unit and policy tests");
    const checks: Check[] = [
        {
            name: "npm test from a warm machine",
            value: seconds(result.seconds),
            target: `< ${TEST_TARGET_SECONDS} s`,
            met: result.seconds < TEST_TARGET_SECONDS && result.status === 0,
        },
    ];
    if (unit) {
        checks.push({
            name: "unit and policy tests",
            value: seconds(unit.seconds),
            target: `< ${UNIT_TARGET_SECONDS} s`,
            met: unit.seconds < UNIT_TARGET_SECONDS,
        });
    }
    const notes: string[] = [];
    if (result.status !== 0) {
        const failing = failingTests(result.stdout);
        notes.push(
            `npm test did not pass (exit ${result.status}); its time still counts. ${failing.length > 0 ? `Failing: ${failing.join(" | ")}` : tail(result.stdout + result.stderr, 3).replace(/\n/g, " / ")}`,
        );
    }
    notes.push("Engine files run two at a time (.mocharc.engine.js jobs: 2); each file's time is its own wall time, so they add up to about twice the phase.");
    return { rows, checks, notes, data: { seconds: result.seconds, status: result.status, phases, files } };
}

export async function rehearsal(log: (line: string) => void): Promise<CommandFigures> {
    log("rehearsal: npm run rehearse (one line per step)");
    const result = await npmRun("rehearse", []);
    const verdict = result.stdout.match(/rehearse: (every step ended as expected|\d+ step\(s\) did not end as expected) in ([\d.]+)s/);
    const rows: Row[] = [
        { label: "npm run rehearse (wall)", value: `${seconds(result.seconds)} (n=1); exit ${result.status}` },
        { label: "its own report", value: verdict ? `${verdict[1]} (steps took ${verdict[2]} s)` : "no closing line" },
    ];
    const notes =
        result.status === 0
            ? []
            : [`the rehearsal did not end as expected (exit ${result.status}): ${tail(result.stdout + result.stderr, 3).replace(/\n/g, " / ")}`];
    return { rows, checks: [], notes, data: { seconds: result.seconds, status: result.status, verdict: verdict?.[1] ?? null } };
}
