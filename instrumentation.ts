/** Runs once per server start, before the first request: migrate, then seed a fresh dev database. */
export async function register() {
  if (process.env.NEXT_RUNTIME !== "nodejs") return;
  const { bootstrap } = await import("@/server/bootstrap");
  await bootstrap();
}
