// Writes log rows into a team of the running e2e server, through the embedded database it shares
// (as the CLI reaches it, db/pglite/local-socket.ts): the bench's rows (bench/seed-logs.ts), in one
// statement an hour with that hour's rollups, which is far quicker than the gateway or the log
// writer. Gives the team the bench's gateways and tokens first. Prints one `seeded: {json}` line.
//
//   node --import tsx tests/e2e/support/seed-logs.ts <team slug> <rows>   (E2E_DATA_DIR set)
import path from "node:path";
import { eq } from "drizzle-orm";
import { openDatabase } from "@/db/client";
import { teams } from "@/db/schema";
import { seedTeam, writeSeedLogs } from "../../../bench/seed-logs";

const [slug, rowsArgument] = process.argv.slice(2);
const rows = Number(rowsArgument);
const dataDir = process.env.E2E_DATA_DIR;
if (!slug || !Number.isInteger(rows) || rows < 1 || !dataDir) throw new Error("usage: E2E_DATA_DIR=… seed-logs.ts <team slug> <rows>");

const handle = await openDatabase({ driver: "pglite", dataDir: path.join(dataDir, "db") });
try {
  const [team] = await handle.db.select({ id: teams.id, slug: teams.slug }).from(teams).where(eq(teams.slug, slug));
  if (!team) throw new Error(`no team "${slug}"`);
  const seeded = await seedTeam(handle.db, team, 1);
  // Over the last day, which any retention keeps and the minute rollups cover in part.
  const end = Date.now();
  await writeSeedLogs(handle.db, [seeded], { rows, start: end - 24 * 3_600_000, end });
  console.log(`seeded: ${JSON.stringify({ rows, gateways: seeded.gateways.map((g) => g.slug) })}`);
} finally {
  await handle.close();
}
