import { z } from "zod";
import { parseDuration } from "./duration";

const port = z.coerce.number().int().min(0).max(65_535);
const duration = z.string().refine((v) => {
  try {
    return parseDuration(v) >= 0;
  } catch {
    return false;
  }
}, "must be a duration such as 200ms, 30s or 2m");

const schema = z.object({
  ENGINE_PORT: port.default(8288),
  ENGINE_HOST: z.string().min(1).default("127.0.0.1"),
  ENGINE_DATA_DIR: z.string().min(1).default(".data/engine"),
  ENGINE_RETRY_INTERVAL: duration.optional(),
  ENGINE_SDK_URL: z.string().default(""),
  ENGINE_MAX_IN_FLIGHT: z.coerce.number().int().min(0).default(0),
  ENGINE_LOG_LEVEL: z.enum(["fatal", "error", "warn", "info", "debug", "trace", "silent"]).default("info"),
  ENGINE_ALLOWED_HOSTS: z.string().default(""),
  INNGEST_SIGNING_KEY: z.string().optional(),
  INNGEST_EVENT_KEY: z.string().optional(),
});

export type EngineConfig = z.infer<typeof schema>;

export const ENGINE_CONFIG_VARIABLES = Object.keys(schema.shape) as (keyof EngineConfig)[];

/**
 * The engine's configuration: its environment, overridden by command-line flags of the same meaning.
 * A bad value stops the engine with the variable's (or flag's) name.
 */
export function readEngineConfig(
  source: Record<string, string | undefined>,
  flags: Partial<Record<keyof EngineConfig, string>>,
): EngineConfig {
  const merged = { ...source };
  for (const [key, value] of Object.entries(flags)) if (value !== undefined) merged[key] = value;
  const parsed = schema.safeParse(merged);
  if (!parsed.success) {
    const lines = parsed.error.issues.map((i) => `  ${i.path.join(".")}: ${i.message}`);
    throw new Error(`Invalid engine configuration:\n${lines.join("\n")}`);
  }
  return parsed.data;
}
