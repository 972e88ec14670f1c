import path from "node:path";
import { defineConfig } from "vitest/config";

/** `server-only` throws outside React's server build; tests import server modules directly. */
const alias = {
  "@": path.resolve(import.meta.dirname),
  "server-only": path.resolve(import.meta.dirname, "node_modules/server-only/empty.js"),
};

/** What next.config.ts's experimental.authInterrupts sets in a build, so `forbidden()` works in tests. */
const env = { __NEXT_EXPERIMENTAL_AUTH_INTERRUPTS: "true" };

export default defineConfig({
  resolve: { alias },
  test: {
    projects: [
      {
        resolve: { alias },
        test: { name: "unit", include: ["tests/unit/**/*.test.ts"], environment: "node", env },
      },
      {
        resolve: { alias },
        test: {
          name: "integration",
          env,
          globalSetup: ["tests/support/global-setup.ts"],
          include: ["tests/integration/**/*.test.ts"],
          environment: "node",
          testTimeout: 60_000,
          hookTimeout: 120_000,
          fileParallelism: false,
        },
      },
      {
        resolve: { alias },
        test: {
          name: "engine",
          include: ["tests/engine/**/*.test.ts"],
          environment: "node",
          testTimeout: 60_000,
          hookTimeout: 60_000,
        },
      },
      {
        resolve: { alias },
        test: {
          // The production build's standalone server (needs `next build` first; scripts/test.mjs runs it after the build).
          name: "standalone",
          globalSetup: ["tests/support/global-setup.ts"],
          include: ["tests/standalone/**/*.test.ts"],
          environment: "node",
          testTimeout: 60_000,
          hookTimeout: 120_000,
        },
      },
      {
        resolve: { alias },
        test: {
          // Heavy fault injection (child processes killed and restarted, a real PostgreSQL restarted).
          name: "faults",
          globalSetup: ["tests/support/global-setup.ts"],
          include: ["tests/faults/**/*.test.ts"],
          environment: "node",
          testTimeout: 400_000,
          hookTimeout: 120_000,
          fileParallelism: false,
        },
      },
    ],
  },
});
