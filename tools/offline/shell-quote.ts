/** A value as one single-quoted word of a POSIX shell script. */
export function shellQuote(value: string): string {
    return `'${value.replace(/'/g, `'\\''`)}'`;
}
