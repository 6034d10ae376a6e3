import { defineConfig } from "drizzle-kit";

// Generation needs no database; `npm run db:migrate` applies migrations through db/client.ts with every driver.
export default defineConfig({
  dialect: "postgresql",
  schema: "./db/schema/index.ts",
  out: "./db/migrations",
});
