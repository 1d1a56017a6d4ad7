/**
 * A local endpoint speaking AWS KMS's JSON protocol (`TrentService.Encrypt`, `Decrypt`, `GenerateDataKey`), so that an
 * offline workspace's gated stacks can use Pulumi's real `awskms://` secrets provider instead of a passphrase. The
 * Pulumi CLI opens `awskms://alias/…?region=…` through gocloud.dev and AWS SDK v2, which takes the endpoint from
 * `AWS_ENDPOINT_URL_KMS` (the workspace sets it), so the stack files carry the same URL shape as a real account's.
 *
 * Ciphertexts are AES-256-GCM under a master key kept in the workspace (`kms/master.key`), so every process that
 * serves the workspace (a rehearsal, a later `promote --workspace`, the judging commit's tooling it starts) decrypts
 * what another encrypted. Only keys the workspace created exist: any other key id is refused as KMS refuses it.
 */
import { createCipheriv, createDecipheriv, randomBytes } from "crypto";
import * as fs from "fs";
import * as http from "http";
import { AddressInfo } from "net";
import * as path from "path";

/** The variable AWS SDK v2 reads a KMS endpoint from (gocloud.dev's `awskms` opener builds its client with that SDK). */
export const KMS_ENDPOINT_ENV = "AWS_ENDPOINT_URL_KMS";

const IV_BYTES = 12;
const TAG_BYTES = 16;

export interface StandInKms {
    /** `http://127.0.0.1:PORT`. */
    readonly endpoint: string;
    close(): Promise<void>;
}

/** The workspace's keys: a master key and the key ids (aliases) it has created. */
export class KmsKeyring {
    constructor(readonly dir: string) {}

    /** Creates the key `keyId` (an alias such as `alias/atlas-prod-secrets`) if it does not exist. */
    createKey(keyId: string): void {
        const keys = this.keys();
        if (!keys.includes(keyId)) {
            fs.writeFileSync(this.keysFile, JSON.stringify([...keys, keyId], null, 2));
        }
    }

    keys(): string[] {
        return fs.existsSync(this.keysFile) ? (JSON.parse(fs.readFileSync(this.keysFile, "utf8")) as string[]) : [];
    }

    encrypt(keyId: string, plaintext: Buffer): Buffer {
        this.requireKey(keyId);
        const iv = randomBytes(IV_BYTES);
        const cipher = createCipheriv("aes-256-gcm", this.masterKey(), iv);
        cipher.setAAD(Buffer.from(keyId));
        const body = Buffer.concat([cipher.update(plaintext), cipher.final()]);
        // The key id travels in the blob, as in a real KMS ciphertext: Decrypt needs no KeyId for a symmetric key.
        const id = Buffer.from(keyId);
        return Buffer.concat([Buffer.from([id.length]), id, iv, cipher.getAuthTag(), body]);
    }

    decrypt(blob: Buffer): { keyId: string; plaintext: Buffer } {
        const idEnd = 1 + blob[0];
        const keyId = blob.subarray(1, idEnd).toString();
        this.requireKey(keyId);
        const iv = blob.subarray(idEnd, idEnd + IV_BYTES);
        const decipher = createDecipheriv("aes-256-gcm", this.masterKey(), iv);
        decipher.setAAD(Buffer.from(keyId));
        decipher.setAuthTag(blob.subarray(idEnd + IV_BYTES, idEnd + IV_BYTES + TAG_BYTES));
        try {
            return { keyId, plaintext: Buffer.concat([decipher.update(blob.subarray(idEnd + IV_BYTES + TAG_BYTES)), decipher.final()]) };
        } catch {
            throw new KmsError("InvalidCiphertextException", "the ciphertext was not made by this workspace's KMS");
        }
    }

    private requireKey(keyId: string): void {
        if (!this.keys().includes(keyId)) {
            throw new KmsError("NotFoundException", `Key '${keyId}' does not exist (this workspace's keys: ${this.keys().join(", ") || "none"})`);
        }
    }

    private masterKey(): Buffer {
        const file = path.join(this.dir, "master.key");
        if (!fs.existsSync(file)) {
            fs.mkdirSync(this.dir, { recursive: true });
            fs.writeFileSync(file, randomBytes(32), { mode: 0o600, flag: "wx" });
        }
        return fs.readFileSync(file);
    }

    private get keysFile(): string {
        return path.join(this.dir, "keys.json");
    }
}

class KmsError extends Error {
    constructor(
        readonly type: string,
        message: string,
    ) {
        super(message);
    }
}

/** Answers one KMS request (its `X-Amz-Target` and JSON body) with the response body, or throws a KmsError. */
export function answerKms(keyring: KmsKeyring, target: string, input: Record<string, string>): Record<string, unknown> {
    const operation = target.replace(/^TrentService\./, "");
    if (operation === "Encrypt") {
        return { KeyId: input.KeyId, CiphertextBlob: keyring.encrypt(input.KeyId, Buffer.from(input.Plaintext, "base64")).toString("base64") };
    }
    if (operation === "Decrypt") {
        const { keyId, plaintext } = keyring.decrypt(Buffer.from(input.CiphertextBlob, "base64"));
        return { KeyId: keyId, Plaintext: plaintext.toString("base64"), EncryptionAlgorithm: "SYMMETRIC_DEFAULT" };
    }
    if (operation === "GenerateDataKey") {
        const plaintext = randomBytes(Number(input.NumberOfBytes ?? 32));
        return { KeyId: input.KeyId, Plaintext: plaintext.toString("base64"), CiphertextBlob: keyring.encrypt(input.KeyId, plaintext).toString("base64") };
    }
    throw new KmsError("UnsupportedOperationException", `the stand-in KMS does not serve ${target}`);
}

/**
 * Serves the keyring on 127.0.0.1 at a free port. The server does not keep the process alive (`unref`): it lives as
 * long as the process that runs the CLI against it.
 */
export async function startStandInKms(keyring: KmsKeyring): Promise<StandInKms> {
    const server = http.createServer((request, response) => {
        let body = "";
        request.on("data", (chunk: Buffer) => (body += chunk.toString()));
        request.on("end", () => {
            let status = 200;
            let answer: Record<string, unknown>;
            try {
                answer = answerKms(keyring, String(request.headers["x-amz-target"] ?? ""), JSON.parse(body || "{}") as Record<string, string>);
            } catch (error) {
                status = 400;
                answer =
                    error instanceof KmsError ? { __type: error.type, message: error.message } : { __type: "KMSInternalException", message: String(error) };
            }
            response.writeHead(status, { "content-type": "application/x-amz-json-1.1" });
            response.end(JSON.stringify(answer));
        });
    });
    await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
    server.unref();
    return {
        endpoint: `http://127.0.0.1:${(server.address() as AddressInfo).port}`,
        close: () => new Promise((resolve) => server.close(() => resolve())),
    };
}
