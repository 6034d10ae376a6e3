// `npm run build:server`: compiles the production server ahead of time, so the serving process runs
// plain JavaScript and loads no TypeScript loader. Plain JS itself, so it needs none either.
//
// Entries, each bundled on its own:
// - dist/server.mjs: server.ts's `main()`, run on import (`node dist/server.mjs`, scripts/start.mjs);
// - dist/<path>.mjs for every <path>.worker.ts (worker_threads entries).
// Code an entry imports dynamically (the database drivers) lands in chunk-*.mjs files beside it and
// is loaded only when imported, as in the sources.
import { globSync, readFileSync, rmSync } from "node:fs";
import path from "node:path";
import { fileURLToPath } from "node:url";
import { build } from "esbuild";

const rootDir = path.resolve(path.dirname(fileURLToPath(import.meta.url)), "..");
const outDir = path.join(rootDir, "dist");
/** Folders that hold no production code, or hold builds. */
const NOT_SOURCES = new Set(["node_modules", "tests", "dist", ".next", ".git", ".switchyard", ".test-data"]);

/**
 * Packages compiled into the bundle instead of imported from node_modules. drizzle-orm's
 * package.json is 180 kB of `exports`, and node parses it anew for each of the hundreds of its
 * files it loads: 160 MB of garbage at start, which V8 keeps as heap. Idle RSS on Postgres was
 * 282 MB with it external (after a full GC), 84 MB with it bundled.
 */
const BUNDLED_PACKAGES = new Set(["drizzle-orm"]);

/** Every npm package external (imported from node_modules at run time), but BUNDLED_PACKAGES. */
const packagesExternal = {
  name: "packages-external",
  setup(build) {
    build.onResolve({ filter: /^[^./]/ }, (args) => {
      // Our own `@/` alias, which tsconfig.json's paths resolve.
      if (args.path.startsWith("@/")) return undefined;
      const name = args.path.split("/", args.path.startsWith("@") ? 2 : 1).join("/");
      return BUNDLED_PACKAGES.has(name) ? undefined : { path: args.path, external: true };
    });
  },
};

/**
 * In a bundle, `import.meta.url` would be the bundle's URL, and code that finds files beside its own
 * source (db/client.ts's migrations, server.ts's app folder) would look in dist/. Each module's
 * `import.meta.url` becomes its source file's URL instead, written relative to the output folder
 * (`dir`: an entry and its chunks share one) so dist/ moves with the repository. Code that must
 * know it was compiled (to start a worker from dist/<entry>.mjs rather than its .ts source through
 * tsx) reads `import.meta.bundled`, true here and undefined in the sources.
 */
function sourceUrls(dir) {
  return {
    name: "source-import-meta-url",
    setup(build) {
      build.onLoad({ filter: /\.tsx?$/ }, (args) => {
        if (args.path.includes(`${path.sep}node_modules${path.sep}`)) return undefined;
        const source = readFileSync(args.path, "utf8");
        if (!source.includes("import.meta.url")) return undefined;
        const relative = path.relative(dir, args.path).split(path.sep).join("/");
        const url = `new URL(${JSON.stringify(relative)}, import.meta.url).href`;
        return { contents: source.replaceAll("import.meta.url", url), loader: path.extname(args.path).slice(1) };
      });
    },
  };
}

const SERVER_ENTRY = "switchyard:server-entry";
/** dist/server.mjs runs `main()` when imported, so scripts/start.mjs and `node dist/server.mjs` both serve. */
const serverEntry = {
  name: "server-entry",
  setup(build) {
    build.onResolve({ filter: /^switchyard:server-entry$/ }, () => ({ path: SERVER_ENTRY, namespace: "server-entry" }));
    build.onLoad({ filter: /.*/, namespace: "server-entry" }, () => ({
      contents: `import { main } from "./server.ts";\nawait main();\n`,
      resolveDir: rootDir,
      loader: "ts",
    }));
  },
};

/** Bundles one entry into `dist/<out>.mjs`, its chunks beside it. */
async function bundle(entry, out) {
  const dir = path.dirname(path.join(outDir, out));
  await build({
    absWorkingDir: rootDir,
    entryPoints: [{ in: entry, out: path.basename(out) }],
    outdir: dir,
    outExtension: { ".js": ".mjs" },
    chunkNames: "chunk-[hash]",
    bundle: true,
    splitting: true,
    format: "esm",
    platform: "node",
    target: "node24",
    sourcemap: true,
    // No keepNames: it wraps every function in a defineProperty call (`__name`), closures made per
    // request included. Nothing is minified, so functions keep their names, but where two modules'
    // top-level names collide and esbuild suffixes one; our error classes set their own `name`.
    logLevel: "warning",
    define: { "import.meta.bundled": "true" },
    plugins: [serverEntry, packagesExternal, sourceUrls(dir)],
  });
}

const workers = globSync("**/*.worker.ts", { cwd: rootDir, exclude: (name) => NOT_SOURCES.has(name) });

const started = Date.now();
// From scratch: chunks are named by their contents, and a removed worker leaves its bundle behind.
rmSync(outDir, { recursive: true, force: true });
await Promise.all([bundle(SERVER_ENTRY, "server"), ...workers.map((worker) => bundle(path.join(rootDir, worker), worker.replace(/\.ts$/, "")))]);
console.log(`build:server: dist/server.mjs${workers.map((w) => `, dist/${w.replace(/\.ts$/, ".mjs")}`).join("")} in ${Date.now() - started} ms`);
