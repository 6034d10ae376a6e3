// `npm run build:server`: compiles the production server ahead of time, so the serving process runs
// plain JavaScript and loads no TypeScript loader. Plain JS itself, so it needs none either.
//
// Entries, each bundled on its own with every npm package left to node_modules:
// - dist/server.mjs: server.ts's `main()`, run on import (`node dist/server.mjs`, scripts/start.mjs);
// - dist/<path>.mjs for every <path>.worker.ts (worker_threads entries), beside nothing else.
import { globSync, readFileSync } from "node:fs";
import path from "node:path";
import { fileURLToPath } from "node:url";
import { build } from "esbuild";

const rootDir = path.resolve(path.dirname(fileURLToPath(import.meta.url)), "..");
const outDir = path.join(rootDir, "dist");
/** Folders that hold no production code, or hold builds. */
const NOT_SOURCES = new Set(["node_modules", "tests", "dist", ".next", ".git", ".switchyard", ".test-data"]);

/**
 * In a bundle, `import.meta.url` would be the bundle's URL, and code that finds files beside its own
 * source (db/client.ts's migrations, server.ts's app folder) would look in dist/. Each module's
 * `import.meta.url` becomes its source file's URL instead, written relative to the bundle so dist/
 * moves with the repository.
 */
function sourceUrls(outfile) {
  return {
    name: "source-import-meta-url",
    setup(build) {
      build.onLoad({ filter: /\.tsx?$/ }, (args) => {
        if (args.path.includes(`${path.sep}node_modules${path.sep}`)) return undefined;
        const source = readFileSync(args.path, "utf8");
        if (!source.includes("import.meta.url")) return undefined;
        const relative = path.relative(path.dirname(outfile), args.path).split(path.sep).join("/");
        const url = `new URL(${JSON.stringify(relative)}, import.meta.url).href`;
        return { contents: source.replaceAll("import.meta.url", url), loader: path.extname(args.path).slice(1) };
      });
    },
  };
}

/** Options every entry shares: ESM for Node 24, `@/` resolved from tsconfig.json, packages external. */
function options(outfile) {
  return {
    absWorkingDir: rootDir,
    outfile,
    bundle: true,
    format: "esm",
    platform: "node",
    target: "node24",
    packages: "external",
    sourcemap: true,
    // Stack traces and error names read as in the sources.
    keepNames: true,
    logLevel: "warning",
    plugins: [sourceUrls(outfile)],
  };
}

const serverOutfile = path.join(outDir, "server.mjs");
const workers = globSync("**/*.worker.ts", { cwd: rootDir, exclude: (name) => NOT_SOURCES.has(name) });

const started = Date.now();
await Promise.all([
  build({
    ...options(serverOutfile),
    // Not server.ts itself: a module importing the bundle (scripts/start.mjs) must start the server too.
    stdin: {
      contents: `import { main } from "./server.ts";\nawait main();\n`,
      resolveDir: rootDir,
      sourcefile: "dist-server-entry.ts",
      loader: "ts",
    },
  }),
  ...workers.map((worker) =>
    build({ ...options(path.join(outDir, worker.replace(/\.ts$/, ".mjs"))), entryPoints: [path.join(rootDir, worker)] }),
  ),
]);
console.log(`build:server: dist/server.mjs${workers.map((w) => `, dist/${w.replace(/\.ts$/, ".mjs")}`).join("")} in ${Date.now() - started} ms`);
