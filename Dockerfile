# syntax=docker/dockerfile:1
# Production image: Next's standalone output on node:20-bookworm-slim, run as the unprivileged `node` user.
# Build:  docker build -t fixed-service .            (the app, the default target)
#         docker build --target migrate -t fixed-service-migrate .   (the one-shot migration job)
# No secret is read at build time; every secret comes from the environment at run time (see .env.example).

FROM node:20-bookworm-slim AS deps
WORKDIR /app
# postinstall (scripts/patch-dependencies.mjs) patches postgres.js and the Inngest SDK, so it must be
# here before `npm ci`.
COPY package.json package-lock.json ./
COPY scripts/patch-dependencies.mjs scripts/patch-dependencies.mjs
RUN npm ci

FROM deps AS build
WORKDIR /app
COPY . .
ENV NEXT_TELEMETRY_DISABLED=1 NODE_ENV=production
RUN npm run build

# The migration job: the full toolchain (tsx) and db/migrations; runs `npm run db:migrate` and exits.
# It takes the same PostgreSQL advisory lock as the app's own start-up migration (db/migrate.ts).
FROM build AS migrate
ENV NODE_ENV=production
USER node
CMD ["npm", "run", "db:migrate"]

FROM node:20-bookworm-slim AS runtime
WORKDIR /app
ENV NODE_ENV=production NEXT_TELEMETRY_DISABLED=1 PORT=3000 HOSTNAME=0.0.0.0
# server.js and the files it was traced to use: its node_modules (PGlite's .wasm/.data among them, for an
# image run without DATABASE_URL) and db/migrations, read from disk at start (instrumentation.ts →
# server/bootstrap.ts → db/migrate.ts, relative to the working directory server.js moves to). .next/static
# is not part of the standalone output and goes next to it; the project has no public/ folder (add a COPY
# when it gets one). db/migrations is copied again so a change in how the migrator is traced cannot drop it.
# scripts/test.mjs's standalone stage (tests/standalone) runs this same layout outside the project tree.
COPY --from=build --chown=node:node /app/.next/standalone ./
COPY --from=build --chown=node:node /app/.next/static ./.next/static
COPY --from=build --chown=node:node /app/db/migrations ./db/migrations
USER node
EXPOSE 3000
# Liveness only (no database): slim images have no curl, node's fetch does the probe.
HEALTHCHECK --interval=15s --timeout=5s --start-period=30s --retries=3 \
  CMD ["node", "-e", "fetch('http://127.0.0.1:'+(process.env.PORT||3000)+'/api/health').then(r=>process.exit(r.ok?0:1),()=>process.exit(1))"]
CMD ["node", "server.js"]
