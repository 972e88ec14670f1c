import { getDbHandle } from "@/db/client";
import { bootstrap } from "@/server/bootstrap";

await bootstrap();
await getDbHandle().close();
console.log("Seed complete.");
