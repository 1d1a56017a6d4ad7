// Parts of a resource URN: urn:pulumi:<stack>::<project>::<parent types$>type::<logical name>

export function resourceType(urn: string): string {
    const qualifiedType = urn.split("::")[2] ?? "";
    return qualifiedType.split("$").pop() ?? "";
}

export function logicalName(urn: string): string {
    return urn.split("::").slice(3).join("::");
}
