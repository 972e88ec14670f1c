import type { Db } from "@/db/client";

/**
 * A database whose every query rejects with `error`, as when PostgreSQL is gone: for the code paths that
 * must report a dead database (readiness, the metrics gauges) rather than crash.
 */
export function failingDb(error = new Error("connect ECONNREFUSED 127.0.0.1:5432")): Db {
  return new Proxy({} as Db, { get: () => () => Promise.reject(error) });
}

/** A database that fails the test on any use at all: for code that must answer before any query. */
export function untouchableDb(): Db {
  return new Proxy({} as Db, {
    get: () => {
      throw new Error("the code under test reached the database");
    },
  });
}
