/**
 * The second half of the dependency rule, on the graph as it runs (type-only imports erased): what a
 * component imports never reaches the database, request headers or the engine client. Run by
 * `npm run lint` after .dependency-cruiser.cjs.
 */
const base = require("./.dependency-cruiser.cjs");

module.exports = {
  forbidden: [
    {
      name: "components-reach-no-io",
      comment:
        "what a component imports (values) never reaches the database, request headers or the engine client",
      severity: "error",
      from: { path: "^components/" },
      to: {
        path: "^db/client\\.ts$|^inngest/client\\.ts$|node_modules/(server-only|next/headers)",
        reachable: true,
      },
    },
  ],
  options: { ...base.options, tsPreCompilationDeps: false },
};
