// The engine gives every Check a random seed, and the same seed again when an update runs against a plan saved by
// its preview. Auto-names drawn from that seed are therefore equal in the preview and the update, as with the real
// provider; without a seed (older engines, direct calls) names stay random.
import { AsyncLocalStorage } from "async_hooks";
import { createHash } from "crypto";
import { Callback, Handler, HandlerWrapper } from "./server-hooks";

interface CheckCall {
    request: { getRandomseed_asU8?(): Uint8Array };
}

const seeds = new AsyncLocalStorage<{ seed: Uint8Array; draws: number }>();

export const checkSeedKeeper: HandlerWrapper = (answer) =>
    ((call: CheckCall, callback: Callback) => {
        const seed = call.request.getRandomseed_asU8?.();
        if (seed && seed.length > 0) {
            seeds.run({ seed, draws: 0 }, () => (answer as Handler<CheckCall>)(call, callback));
        } else {
            (answer as Handler<CheckCall>)(call, callback);
        }
    }) as Handler<never>;

/** `length` (at most 32) bytes drawn from the current Check's seed, or undefined outside a seeded Check. */
export function seededBytes(length: number): Buffer | undefined {
    const context = seeds.getStore();
    if (!context || length > 32) {
        return undefined;
    }
    return createHash("sha256").update(context.seed).update(String(context.draws++)).digest().subarray(0, length);
}
