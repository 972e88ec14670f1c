import { describe, expect, it } from "vitest";
import { engineUrl } from "@/server/health/readiness";

describe("the engine /api/ready probes", () => {
  it.each([
    [{ INNGEST_BASE_URL: "http://inngest:8288", INNGEST_DEV: "1" }, "http://inngest:8288"],
    [{ INNGEST_DEV: "http://127.0.0.1:8390" }, "http://127.0.0.1:8390"],
    [{ INNGEST_DEV: "1" }, "http://localhost:8288"],
    [{ INNGEST_DEV: "0" }, null],
    [{ INNGEST_DEV: "false" }, null],
    [{}, null],
  ])("%o → %s", (config, expected) => {
    expect(engineUrl(config)).toBe(expected);
  });
});
