// The stand-in's cloud: what exists "in AWS", kept apart from Pulumi's state, so that a console edit or a deletion
// behind Pulumi's back can happen offline and `pulumi refresh` can find it. ATLAS_STANDIN_CLOUD names the directory
// (an offline workspace's `cloud/`); unset, the stand-in keeps no cloud and answers `read` from Pulumi's own state.
//
// One file per resource, `<account>/<urn>/<id>.json` (ids alone are not unique: an S3 object's is its key), written
// whole (a temporary file renamed into place), so two engine runs, or the steps of one run, never see half a
// resource. A replacement that keeps the id (create, then delete the old one) leaves the new one in place.
import * as fs from "fs";
import * as path from "path";
import { PropertyMap } from "./property-values";

export const CLOUD_ENV = "ATLAS_STANDIN_CLOUD";

/** Where one resource lives in the cloud: the account, the Pulumi resource it belongs to, its physical id. */
export interface CloudAddress {
    readonly account: string;
    readonly urn: string;
    readonly id: string;
}

/** A resource as the stand-in's cloud holds it: what the provider last wrote, or what a console edit left. */
export interface CloudResource extends CloudAddress {
    /** The provider's outputs: what `read` answers. */
    readonly properties: PropertyMap;
    /** Deletes still owed to the resource this one replaced under the same id (create before delete). */
    readonly replacedUnderSameId?: number;
}

export class CloudStore {
    constructor(readonly dir: string) {}

    /**
     * The cloud `ATLAS_STANDIN_CLOUD` names, if it exists: a workspace creates its `cloud/` when it is new, so a
     * workspace made before the stand-in kept a cloud goes on answering refreshes from state instead of finding
     * every resource gone.
     */
    static fromEnv(env: NodeJS.ProcessEnv): CloudStore | undefined {
        const dir = env[CLOUD_ENV];
        if (!dir) {
            return undefined;
        }
        if (!path.isAbsolute(dir)) {
            throw new Error(`${CLOUD_ENV}="${dir}" is not an absolute directory; the stand-in's cloud lives in an offline workspace's cloud/ directory`);
        }
        return fs.existsSync(dir) ? new CloudStore(dir) : undefined;
    }

    /** The resources of one Pulumi resource in any account (a replacement in flight has two ids). */
    resourcesOf(urn: string): CloudResource[] {
        if (!fs.existsSync(this.dir)) {
            return [];
        }
        return fs
            .readdirSync(this.dir)
            .map((account) => path.join(this.dir, account, safe(urn)))
            .filter((dir) => fs.existsSync(dir))
            .flatMap((dir) =>
                fs
                    .readdirSync(dir)
                    .filter((file) => file.endsWith(".json"))
                    .map((file) => JSON.parse(fs.readFileSync(path.join(dir, file), "utf8")) as CloudResource),
            );
    }

    read(address: CloudAddress): CloudResource | undefined {
        const file = this.fileOf(address);
        return fs.existsSync(file) ? (JSON.parse(fs.readFileSync(file, "utf8")) as CloudResource) : undefined;
    }

    /** A create (`created`) or an update: the resource as the provider wrote it. */
    write(address: CloudAddress, properties: PropertyMap, created: boolean): void {
        const existing = this.read(address);
        // A create where the same resource already has this id is a replacement that kept it: a delete follows.
        const owed = (existing?.replacedUnderSameId ?? 0) + (created && existing ? 1 : 0);
        this.store({ ...address, properties, ...(owed > 0 ? { replacedUnderSameId: owed } : {}) });
    }

    /** A delete: the resource is gone, unless it is the replacement of the one being deleted. */
    delete(address: CloudAddress): void {
        const existing = this.read(address);
        if (existing?.replacedUnderSameId) {
            const { replacedUnderSameId, ...rest } = existing;
            this.store({ ...rest, ...(replacedUnderSameId > 1 ? { replacedUnderSameId: replacedUnderSameId - 1 } : {}) });
        } else if (existing) {
            fs.rmSync(this.fileOf(address));
        }
    }

    /** A console edit: the resource's properties changed behind Pulumi's back. */
    edit(address: CloudAddress, properties: PropertyMap): void {
        const existing = this.read(address);
        if (!existing) {
            throw new Error(`nothing in the cloud at ${address.urn} (id ${address.id})`);
        }
        this.store({ ...existing, properties });
    }

    /** A deletion behind Pulumi's back (a console delete); true when the resource existed. */
    remove(address: CloudAddress): boolean {
        const file = this.fileOf(address);
        if (!fs.existsSync(file)) {
            return false;
        }
        fs.rmSync(file);
        return true;
    }

    private store(resource: CloudResource): void {
        const file = this.fileOf(resource);
        fs.mkdirSync(path.dirname(file), { recursive: true });
        const partial = `${file}.${process.pid}.tmp`;
        fs.writeFileSync(partial, JSON.stringify(resource, null, 2));
        fs.renameSync(partial, file);
    }

    private fileOf(address: CloudAddress): string {
        if (!address.id) {
            throw new Error(`stand-in aws: ${address.urn} has no id, so it has no place in the cloud`);
        }
        return path.join(this.dir, safe(address.account), safe(address.urn), `${safe(address.id)}.json`);
    }
}

/** A path segment that names the value and nothing else (ids and types hold `/` and `:`). */
function safe(segment: string): string {
    return encodeURIComponent(segment).replace(/\./g, "%2E");
}
