/**
 * The dependency rule (docs/ARCHITECTURE.md, "The dependency rule"), checked by `npm run lint`.
 * Type-only imports are erased at build time: they may point anywhere the rules below allow a value
 * import, and from components/ to any server/ module (result and row types).
 */
const valueOnly = { dependencyTypesNot: ["type-only"] };

module.exports = {
  forbidden: [
    {
      name: "no-import-app",
      comment: "app/ holds routes only; nothing outside it (tests aside) imports it",
      severity: "error",
      from: { pathNot: "^(app|tests)/" },
      to: { path: "^app/" },
    },
    {
      name: "engine-standalone",
      comment: "engine/ is its own program: it imports nothing of ours outside engine/",
      severity: "error",
      from: { path: "^engine/" },
      to: { path: "^(app|components|server|db|inngest|lib|scripts|bench|tests)/" },
    },
    {
      name: "only-tools-import-engine",
      comment: "the app never imports the engine (tests, benchmarks and scripts may start it)",
      severity: "error",
      from: { pathNot: "^(engine|tests|bench|scripts)/" },
      to: { path: "^engine/" },
    },
    {
      name: "db-is-the-floor",
      comment: "db/ imports only db/ and lib/env, lib/logger",
      severity: "error",
      from: { path: "^db/" },
      to: {
        path: "^(app|components|server|inngest|engine|scripts|bench|tests|lib)/",
        pathNot: "^lib/(env|logger)\\.ts$",
      },
    },
    {
      name: "lib-is-framework-free",
      comment: "lib/ holds utilities: it imports nothing of ours outside lib/",
      severity: "error",
      from: { path: "^lib/" },
      to: { path: "^(app|components|server|db|inngest|engine|scripts|bench|tests)/" },
    },
    {
      name: "server-below-routes",
      comment: "server/ imports server/, db/, lib/ and only the Inngest client and event declarations",
      severity: "error",
      from: { path: "^server/" },
      to: {
        path: "^(app|components|engine|scripts|bench|tests|inngest)/",
        pathNot: "^inngest/(client|events)\\.ts$",
      },
    },
    {
      name: "inngest-calls-server",
      comment: "inngest/ functions are wiring: they import inngest/, server/, db/, lib/",
      severity: "error",
      from: { path: "^inngest/" },
      to: { path: "^(app|components|engine|scripts|bench|tests)/" },
    },
    {
      name: "components-no-server-values",
      comment:
        "components/ import components/, lib/, db/schema; from server/ only types, or pure modules that reach no I/O",
      severity: "error",
      from: { path: "^components/" },
      to: { path: "^(app|inngest|engine|scripts|bench|tests)/|^db/(?!schema/)", ...valueOnly },
    },
    {
      name: "no-circular",
      severity: "error",
      from: {},
      to: { circular: true, ...valueOnly },
    },
  ],
  options: {
    doNotFollow: { path: "node_modules" },
    exclude: { path: "^(node_modules|\\.next|\\.data|test-results|db/migrations)/" },
    tsPreCompilationDeps: true,
    tsConfig: { fileName: "tsconfig.json" },
    enhancedResolveOptions: {
      exportsFields: ["exports"],
      conditionNames: ["import", "require", "node", "default"],
    },
  },
};
