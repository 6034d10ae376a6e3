import { database } from "./client";

const handle = await database("tool");
console.log(`migrations applied (${handle.driver})`);
await handle.close();
