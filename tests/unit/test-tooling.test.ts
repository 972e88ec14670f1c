import { readFileSync } from "node:fs";
import net from "node:net";
import { describe, expect, it } from "vitest";
import { freePort } from "../../scripts/free-port";
import { vitestCounts } from "../../scripts/test-report.mjs";

describe("freePort", () => {
  it("gives a port below the kernel's ephemeral range that a server can listen on", async () => {
    const [low] = readFileSync("/proc/sys/net/ipv4/ip_local_port_range", "utf8")
      .trim()
      .split(/\s+/)
      .map(Number);
    const ports = await Promise.all(Array.from({ length: 5 }, () => freePort()));
    for (const port of ports) {
      expect(port).toBeGreaterThanOrEqual(10_000);
      expect(port).toBeLessThan(low);
      const server = net.createServer();
      await new Promise<void>((resolve, reject) => {
        server.once("error", reject);
        server.listen(port, "127.0.0.1", () => resolve());
      });
      await new Promise((resolve) => server.close(resolve));
    }
  });
});

describe("the summary line's vitest counts", () => {
  it("counts a file that failed before any of its tests (a throwing beforeAll) as a failed test", () => {
    const report = {
      numPassedTests: 5,
      numFailedTests: 0,
      testResults: [
        { status: "passed", assertionResults: [{ status: "passed" }] },
        { status: "failed", assertionResults: [{ status: "skipped" }] },
      ],
    };
    expect(vitestCounts(report)).toEqual({ passed: 5, failed: 1 });
  });

  it("counts failed tests once, not their file again", () => {
    const report = {
      numPassedTests: 1,
      numFailedTests: 2,
      testResults: [
        {
          status: "failed",
          assertionResults: [{ status: "failed" }, { status: "failed" }, { status: "passed" }],
        },
      ],
    };
    expect(vitestCounts(report)).toEqual({ passed: 1, failed: 2 });
  });
});
