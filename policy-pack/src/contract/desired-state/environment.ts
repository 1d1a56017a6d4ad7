/**
 * Sets aside what may differ between environments: every value of an environment-specific
 * config key (ENVIRONMENT_SPECIFIC_CONFIG) becomes a placeholder naming the key, wherever it
 * appears (a key with property sites, such as an alert e-mail, only in those properties), and JSON documents inside strings (IAM policies) are parsed so that they compare by
 * content. Both sides are normalised the same way, so `atlas-staging-etl` and `atlas-prod-etl`
 * both read `<namePrefix>-etl`, while `10` and `20` stay what they are.
 */
import { ENVIRONMENT_SPECIFIC_CONFIG, PropertySite } from "../environment-keys";
import { prefixNamesEnvironment } from "../environments";
import { JSON_TEXT, SECRET, markerOf, setOwn } from "./values";

/**
 * An environment's value of each environment-specific key, as its stack file sets it; a key the
 * stack holds as a secret as its digest (`{ "atlas:secret": "sha256:…" }`), so a secret value
 * equal to it is set aside without the pack ever seeing it.
 */
export type EnvironmentValues = Readonly<Record<string, string | readonly string[] | SecretDigest>>;
export type SecretDigest = { readonly [SECRET]: string };

function isSecretDigest(value: unknown): value is SecretDigest {
    return markerOf(value) === SECRET;
}

/** Shorter values could be part of anything (a code, a word); they are left alone. */
const MIN_LENGTH: Record<string, number> = { text: 4, word: 3 };

/** One environment-specific value and the key it is set aside as. */
interface SetAside {
    item: string;
    key: string;
    appearance: "text" | "word";
    /** A member of a list key (principals): a list element equal to it is dropped. */
    member: boolean;
    sites?: readonly PropertySite[];
}

/** Normalisers by their two environments' values (the same objects: one parse of the evidence), see `EnvironmentNormaliser.of`. */
const normalisers = new WeakMap<EnvironmentValues, WeakMap<EnvironmentValues, EnvironmentNormaliser>>();

export class EnvironmentNormaliser {
    /**
     * The one normaliser of these values: the whole-stack and the step-time parity share it (and the
     * documents it has parsed) when they read the same evidence.
     */
    static of(values: EnvironmentValues, otherWords: EnvironmentValues = {}): EnvironmentNormaliser {
        let byOther = normalisers.get(values);
        if (!byOther) {
            byOther = new WeakMap();
            normalisers.set(values, byOther);
        }
        let normaliser = byOther.get(otherWords);
        if (!normaliser) {
            normaliser = new EnvironmentNormaliser(values, otherWords);
            byOther.set(otherWords, normaliser);
        }
        return normaliser;
    }

    private readonly setAside: SetAside[] = [];
    private readonly urns = new Map<string, string>();
    /** Placeholders of keys held as secrets, by the secret's digest, with the key's sites. */
    private readonly secrets: { digest: string; key: string; sites?: readonly PropertySite[] }[] = [];
    /** The replacement anywhere (keys without sites), and one per property site that has more. */
    private readonly anywhere: Replacement;
    private readonly bySite = new Map<string, Replacement>();
    /** Resource types some key has a site in: for any other type a value is normalised as anywhere (the common, fast case). */
    private readonly sitedTypes = new Set<string>();

    /**
     * `values` are this side's; `otherWords` are the other side's values of `word` keys, set aside
     * here too: the word `staging` in prod's `s3://…/staging/` is a constant both stacks share, and
     * must compare equal to staging's.
     */
    constructor(values: EnvironmentValues, otherWords: EnvironmentValues = {}) {
        const seen = new Set<string>();
        for (const [key, { appears: appearance, sites, spellings = [] }] of Object.entries(ENVIRONMENT_SPECIFIC_CONFIG)) {
            if (appearance === "absent") {
                continue;
            }
            const own = values[key];
            if (isSecretDigest(own)) {
                this.secrets.push({ digest: own[SECRET], key, sites });
                continue;
            }
            const other = appearance === "word" ? otherWords[key] : undefined;
            const value = typeof own === "string" && typeof other === "string" ? [own, other] : own;
            const list = Array.isArray(value) ? (value as readonly string[]) : typeof value === "string" ? [value] : [];
            const spelt = list.flatMap((v) => (typeof v === "string" ? [v, ...spellings.map((spell) => spell(v))] : []));
            for (const item of spelt.filter((v) => v.length >= MIN_LENGTH[appearance] && !seen.has(v))) {
                seen.add(item);
                this.setAside.push({ item, key, appearance, member: Array.isArray(own), sites });
            }
        }
        this.anywhere = new Replacement(
            this.setAside.filter((entry) => !entry.sites),
            this.secrets.filter((entry) => !entry.sites),
        );
        for (const entry of [...this.setAside, ...this.secrets]) {
            entry.sites?.forEach((site) => this.sitedTypes.add(site.type));
        }
    }

    /**
     * The value with environment-specific values as placeholders, at any depth. `site` is the
     * resource type and top-level property it is the value of: keys with sites are set aside only there.
     */
    value(value: unknown, site?: PropertySite): unknown {
        return this.at(site).value(value);
    }

    /** `record[key]` normalised at its site (`type`, `key`); undefined when the record has no such property. */
    property(record: Readonly<Record<string, unknown>>, key: string, type: string): unknown {
        const value = record[key];
        return value === undefined ? undefined : this.value(value, { type, property: key });
    }

    /** Plain replacement, for names and URNs (no key with sites is set aside in them). */
    replace(text: string): string {
        return this.anywhere.replace(text);
    }

    /**
     * A URN (or provider reference) replaced, remembered: every URN recurs as others' dependency, and both
     * parity policies look each of the stack's up.
     */
    urn(urn: string): string {
        let normalised = this.urns.get(urn);
        if (normalised === undefined) {
            normalised = this.anywhere.replace(urn);
            this.urns.set(urn, normalised);
        }
        return normalised;
    }

    private at(site: PropertySite | undefined): Replacement {
        if (!site || !this.sitedTypes.has(site.type)) {
            return this.anywhere;
        }
        const id = `${site.type}\u0000${site.property}`;
        let replacement = this.bySite.get(id);
        if (!replacement) {
            const here = (entry: { sites?: readonly PropertySite[] }) =>
                !entry.sites || entry.sites.some((s) => s.type === site.type && s.property === site.property);
            const entries = this.setAside.filter(here);
            const secrets = this.secrets.filter(here);
            replacement =
                entries.length === this.anywhere.size && secrets.length === this.anywhere.secretCount ? this.anywhere : new Replacement(entries, secrets);
            this.bySite.set(id, replacement);
        }
        return replacement;
    }
}

/** Sets aside a fixed set of environment-specific values. */
class Replacement {
    private readonly text?: RegExp;
    private readonly words?: RegExp;
    /** The values each expression looks for: most strings hold none, which `includes` tells faster than the expression. */
    private readonly textItems: string[] = [];
    private readonly wordItems: string[] = [];
    private readonly placeholders = new Map<string, string>();
    /** Placeholders of list keys: a list element that is one of them is an environment-specific member. */
    private readonly members = new Set<string>();
    private readonly secrets = new Map<string, string>();
    private readonly documents = new Map<string, unknown>();

    constructor(entries: readonly SetAside[], secrets: readonly { digest: string; key: string }[]) {
        const text: string[] = [];
        const words: string[] = [];
        for (const { item, key, appearance, member } of entries) {
            this.placeholders.set(item, `<${key}>`);
            (appearance === "word" ? words : text).push(item);
            (appearance === "word" ? this.wordItems : this.textItems).push(item);
            if (member) {
                this.members.add(`<${key}>`);
            }
        }
        for (const { digest, key } of secrets) {
            this.secrets.set(digest, `<${key}>`);
        }
        // Longest first, so a principal ARN is set aside before the account id inside it.
        const alternation = (items: string[]) =>
            items
                .sort((a, b) => b.length - a.length)
                .map(escapeRegExp)
                .join("|");
        this.text = text.length > 0 ? new RegExp(alternation(text), "g") : undefined;
        this.words = words.length > 0 ? new RegExp(`(?<![A-Za-z0-9])(?:${alternation(words)})(?![A-Za-z0-9])`, "g") : undefined;
    }

    get size(): number {
        return this.placeholders.size;
    }

    get secretCount(): number {
        return this.secrets.size;
    }

    value(value: unknown): unknown {
        if (typeof value === "string") {
            return this.string(value);
        }
        if (isSecretDigest(value)) {
            // Still a secret, now named by its key's placeholder: `[secret <oncallEndpoint>]` in messages.
            const placeholder = this.secrets.get(value[SECRET]);
            return placeholder === undefined ? value : { [SECRET]: placeholder };
        }
        if (value === null || typeof value !== "object" || markerOf(value) !== undefined) {
            return value;
        }
        // Most values hold nothing environment-specific: they come back as they are, not copied.
        if (Array.isArray(value)) {
            let changed: unknown[] | undefined;
            for (let i = 0; i < value.length; i++) {
                const item = this.value(value[i]);
                const dropped = typeof item === "string" && this.members.has(item);
                if (changed === undefined && (dropped || item !== value[i])) {
                    changed = value.slice(0, i);
                }
                if (changed !== undefined && !dropped) {
                    changed.push(item);
                }
            }
            return changed ?? value;
        }
        let changed: Record<string, unknown> | undefined;
        for (const key of Object.keys(value)) {
            const item = (value as Record<string, unknown>)[key];
            const normalised = this.value(item);
            if (changed === undefined && normalised !== item) {
                changed = { ...value };
            }
            if (changed !== undefined) {
                setOwn(changed, key, normalised);
            }
        }
        return changed ?? value;
    }

    /**
     * A string; a JSON object or list inside it is parsed and normalised as data — unless a key
     * repeats in one of its objects (JSON.parse keeps the last, a reader may keep the first), when it
     * is compared as text.
     */
    private string(text: string): unknown {
        if (!looksLikeJson(text)) {
            // Replacing is one scan of the text: cheaper than remembering each of a stack's distinct strings.
            return this.replace(text);
        }
        // Stacks repeat their JSON documents (policies): each distinct one is parsed once. Results are never mutated.
        let normalised = this.documents.get(text);
        if (normalised === undefined) {
            normalised = this.parseOrReplace(text);
            this.documents.set(text, normalised);
        }
        return normalised;
    }

    private parseOrReplace(text: string): unknown {
        if (!hasRepeatedKey(text)) {
            try {
                return { [JSON_TEXT]: this.value(JSON.parse(text)) };
            } catch {
                // Not JSON after all: compare it as text.
            }
        }
        return this.replace(text);
    }

    replace(text: string): string {
        const replaced = this.text && holdsAny(text, this.textItems) ? text.replace(this.text, this.lookup) : text;
        return this.words && holdsAny(replaced, this.wordItems) ? replaced.replace(this.words, this.lookup) : replaced;
    }

    private readonly lookup = (found: string): string => this.placeholders.get(found) ?? found;
}

function holdsAny(text: string, items: readonly string[]): boolean {
    for (const item of items) {
        if (text.includes(item)) {
            return true;
        }
    }
    return false;
}

/** A JSON object or list, by its first character after any leading whitespace. */
function looksLikeJson(text: string): boolean {
    for (let i = 0; i < text.length; i++) {
        const c = text.charCodeAt(i);
        if (c === 0x7b || c === 0x5b) {
            return true; // { or [
        }
        if (c !== 0x20 && c !== 0x09 && c !== 0x0a && c !== 0x0d) {
            return false;
        }
    }
    return false;
}

/** True when some object of the JSON text names a key twice. */
export function hasRepeatedKey(text: string): boolean {
    const keys: Set<string>[] = [];
    // Strings (keys and values), then the structural characters; a string followed by `:` is a key.
    const token = /"(?:[^"\\]|\\.)*"\s*:?|[{}]/g;
    for (const match of text.matchAll(token)) {
        const found = match[0];
        if (found === "{") {
            keys.push(new Set());
        } else if (found === "}") {
            keys.pop();
        } else if (found.endsWith(":")) {
            const key = found.slice(0, found.lastIndexOf('"') + 1);
            const current = keys[keys.length - 1];
            if (current?.has(key)) {
                return true;
            }
            current?.add(key);
        }
    }
    return false;
}

/** Values that do not have their key's shape (ENVIRONMENT_SPECIFIC_CONFIG): parity must not set them aside. */
export function misshapenValues(values: EnvironmentValues): string[] {
    const problems: string[] = [];
    for (const [key, { shape }] of Object.entries(ENVIRONMENT_SPECIFIC_CONFIG)) {
        const value = values[key];
        // A secret's shape is checked by the release tooling, which alone sees it.
        const list = Array.isArray(value) ? (value as readonly string[]) : typeof value === "string" ? [value] : [];
        for (const item of list.filter((v) => shape && v !== "" && !shape.pattern.test(v))) {
            problems.push(`atlas:${key} is ${JSON.stringify(item)}, not ${shape!.description}`);
        }
    }
    const [environment, prefix] = [values.environment, values.namePrefix];
    if (typeof environment === "string" && typeof prefix === "string" && !prefixNamesEnvironment(prefix, environment)) {
        problems.push(
            `atlas:namePrefix is ${JSON.stringify(prefix)}, which does not name the environment ${JSON.stringify(environment)} (its name between dashes, or at an end)`,
        );
    }
    return problems;
}

function escapeRegExp(text: string): string {
    return text.replace(/[.*+?^${}()|[\]\\/]/g, "\\$&");
}
