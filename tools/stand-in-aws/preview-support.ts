// The engine calls Create and Update during a preview only for a provider whose Configure response declares
// preview support; otherwise it plans every computed output of a created or updated resource as unknown, and
// each dependent then plans a change (a replacement, where the unknown reaches a replace-forcing input). The
// bridged AWS provider declares it and answers with its plan. @pulumi/pulumi's provider server neither declares
// it nor passes the preview flag on, so the stand-in does both here.
import { AsyncLocalStorage } from "async_hooks";
import { Callback, Handler, HandlerWrapper } from "./server-hooks";

interface ConfigureResponse {
    setSupportspreview(value: boolean): void;
}

interface PlannableCall {
    request: { getPreview(): boolean };
}

const previewing = new AsyncLocalStorage<boolean>();

/** Configure wrapper: the response declares that Create and Update may be asked for a plan. */
export const previewSupportDeclaration: HandlerWrapper = (answer) =>
    ((call: unknown, callback: Callback) => {
        (answer as Handler<unknown>)(call, (error, response) => {
            (response as ConfigureResponse | undefined)?.setSupportspreview(true);
            callback(error, response);
        });
    }) as Handler<never>;

/** Create and Update wrapper: the provider's answer runs knowing whether the engine asks for a plan. */
export const previewFlagKeeper: HandlerWrapper = (answer) =>
    ((call: PlannableCall, callback: Callback) => {
        previewing.run(call.request.getPreview(), () => (answer as Handler<PlannableCall>)(call, callback));
    }) as Handler<never>;

/** True inside a Create or Update the engine makes during a preview. */
export function isPreview(): boolean {
    return previewing.getStore() === true;
}
