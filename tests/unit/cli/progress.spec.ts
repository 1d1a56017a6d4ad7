/** Progress of long work: in place on a terminal, a plain line now and then elsewhere; ticked by hand, on a fake clock. */
import { strict as assert } from "assert";
import { announcePhases, formatElapsed, Progress, ProgressOptions } from "../../../cli/lib/kit/progress";

function harness(tty: boolean) {
    const written: string[] = [];
    let now = 0;
    let tick: () => void = () => undefined;
    let stopped = false;
    const options: ProgressOptions = {
        stream: { write: (text: string) => written.push(text), isTTY: tty },
        now: () => now,
        ticker: {
            start(fn) {
                tick = fn;
                return () => (stopped = true);
            },
        },
    };
    return {
        options,
        written,
        at(seconds: number) {
            now = seconds * 1000;
            tick();
        },
        get stopped() {
            return stopped;
        },
    };
}

describe("progress", () => {
    it("formats elapsed time as seconds, then minutes and seconds", () => {
        assert.deepEqual([formatElapsed(0.4), formatElapsed(12.9), formatElapsed(60), formatElapsed(185)], ["0s", "12s", "1m00s", "3m05s"]);
    });

    it("on a terminal, rewrites one line in place with the elapsed time, and the outcome replaces it", () => {
        const h = harness(true);
        const progress = new Progress("building", h.options);
        h.at(3);
        progress.set("compiling");
        h.at(75);
        progress.done("built in 75s");
        assert.deepEqual(h.written, ["\r\x1b[Kbuilding … 0s", "\r\x1b[Kbuilding … 3s", "\r\x1b[Kcompiling … 1m15s", "\r\x1b[K", "built in 75s\n"]);
        assert.ok(h.stopped, "the ticker stops");
    });

    it("elsewhere (CI), writes nothing for quick work and a plain line every 30 seconds for long work", () => {
        const h = harness(false);
        const progress = new Progress("deploying staging", h.options);
        h.at(5);
        h.at(29);
        h.at(31);
        h.at(45);
        h.at(62);
        progress.done("deployed in 62s");
        h.at(95);
        assert.deepEqual(h.written, ["deploying staging … still running after 31s\n", "deploying staging … still running after 1m02s\n", "deployed in 62s\n"]);
    });

    it("announces each phase of a deploy as a plain line with the time since it began (the engine's lines stream in between)", () => {
        const written: string[] = [];
        let now = 1_000;
        const phase = announcePhases("promote", { stream: { write: (text: string) => written.push(text) }, now: () => now });
        phase("reading staging's history and state (the gate's evidence)");
        now += 4_200;
        phase("previewing prod with the policy pack");
        now += 61_000;
        phase("updating prod with the policy pack (held to the preview's plan)");
        assert.deepEqual(written, [
            "promote [0s]: reading staging's history and state (the gate's evidence)\n",
            "promote [4s]: previewing prod with the policy pack\n",
            "promote [1m05s]: updating prod with the policy pack (held to the preview's plan)\n",
        ]);
    });
});
