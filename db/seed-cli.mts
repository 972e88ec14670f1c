import { bootstrap } from "@/lib/bootstrap";
import { getDbHandle } from "./client";

await bootstrap();
await getDbHandle().close();
console.log("Seed complete.");
