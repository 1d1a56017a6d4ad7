/**
 * What one preflight check found, and how doctor prints and totals the findings. A check that could not be made
 * says so (`not checked`, with why): never `ok` in its place.
 */

export type Finding =
    | { readonly check: string; readonly status: "ok"; readonly detail?: string }
    | { readonly check: string; readonly status: "problem"; readonly problem: string; readonly fix: string }
    | { readonly check: string; readonly status: "not checked"; readonly why: string };

export const ok = (check: string, detail?: string): Finding => ({ check, status: "ok", detail });
export const problem = (check: string, problemText: string, fix: string): Finding => ({ check, status: "problem", problem: problemText, fix });
export const notChecked = (check: string, why: string): Finding => ({ check, status: "not checked", why });

/** One line per finding: `ok  <check>`, `✘   <check>: <problem>; to fix: <fix>`, `??  <check>: not checked: <why>`. */
export function findingLine(finding: Finding): string {
    switch (finding.status) {
        case "ok":
            return `ok  ${finding.check}${finding.detail ? ` (${finding.detail})` : ""}`;
        case "problem":
            return `✘   ${finding.check}: ${finding.problem}; to fix: ${finding.fix}`;
        case "not checked":
            return `??  ${finding.check}: not checked: ${finding.why}`;
    }
}

/** The closing line: how many checks passed, failed, could not be made. */
export function summaryLine(findings: readonly Finding[]): string {
    const count = (status: Finding["status"]) => findings.filter((f) => f.status === status).length;
    const [passed, problems, unchecked] = [count("ok"), count("problem"), count("not checked")];
    const verdict = problems === 0 ? "ready" : "not ready";
    return `doctor: ${verdict}: ${passed} ok, ${problems} problem(s), ${unchecked} not checked`;
}

export function hasProblems(findings: readonly Finding[]): boolean {
    return findings.some((f) => f.status === "problem");
}
