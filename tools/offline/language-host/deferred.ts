/** A promise settled from outside; settling it again is a no-op, as for any promise. */
export interface Deferred<T> {
    readonly promise: Promise<T>;
    resolve(value: T): void;
    reject(error: Error): void;
}

export function deferred<T>(): Deferred<T> {
    let resolve!: (value: T) => void;
    let reject!: (error: Error) => void;
    const promise = new Promise<T>((res, rej) => {
        resolve = res;
        reject = rej;
    });
    promise.catch(() => undefined); // a rejection nobody awaits is not an error of the host
    return { promise, resolve, reject };
}
