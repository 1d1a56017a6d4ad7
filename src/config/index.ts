export { ConfigError } from "./problems";
export type { ConfigProblem } from "./problems";
export { loadAtlasConfig, pulumiConfigSource } from "./load";
export type { ConfigSource } from "./load";
export { CONFIG_KEYS, CONFIG_KEY_NAMES, qualified } from "./schema";
export type { AtlasConfig, ConfigKey } from "./schema";
export { projectConfigSchema } from "./project-schema";
