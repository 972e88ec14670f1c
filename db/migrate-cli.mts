import { openDatabase, optionsFromEnv } from "./client";
import { migrateDatabase } from "./migrate";

const options = optionsFromEnv();
const handle = openDatabase(options);
try {
  await migrateDatabase(handle);
  console.log(`Migrations applied (${options.driver}).`);
} finally {
  await handle.close();
}
