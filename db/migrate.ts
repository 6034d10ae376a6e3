import { database } from "./client";

const handle = await database();
console.log(`migrations applied (${handle.driver})`);
await handle.close();
