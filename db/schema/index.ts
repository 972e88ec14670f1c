export * from "./audit";
export * from "./auth";
export * from "./change-events";
export * from "./integrations";
export * from "./notifications";
export * from "./work-items";
