// Finds a module of the program's own @pulumi/pulumi, resolved from the program (or pack) directory the way the
// program's Node would resolve it, so the program always runs with the SDK it installed.
export function locateSdkModule(moduleName: string, fromDir: string, installHint: string): string {
    try {
        return require.resolve(moduleName, { paths: [fromDir] });
    } catch (error) {
        if ((error as NodeJS.ErrnoException).code === "MODULE_NOT_FOUND") {
            throw new Error(`It looks like the Pulumi SDK has not been installed. Have you run ${installHint}?`);
        }
        throw error;
    }
}
