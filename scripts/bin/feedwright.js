#!/usr/bin/env node

// Runs the TypeScript sources directly: Node 22.18+ strips types natively, so there is no
// compile step between an edit and a build. That Node is pinned in package.json (the `node`
// devDependency): `npx feedwright` and npm scripts put it first on PATH. Started by an older
// Node (the machine's own, through a link or an absolute path), this hands itself to the
// pinned one instead of failing on the first `.ts` import.
import { spawnSync } from "node:child_process";
import { existsSync } from "node:fs";
import module from "node:module";
import { fileURLToPath } from "node:url";

if (process.features.typescript) {
  // Node keeps the compiled code between runs (its compile cache, in the system's temporary
  // folder), which halves the time a command takes to start; NODE_DISABLE_COMPILE_CACHE=1 turns
  // that off. Enabled before the CLI is imported, so that what it loads is cached too.
  module.enableCompileCache?.();
  const { main } = await import("../cli.ts");
  process.exitCode = await main(process.argv.slice(2));
} else {
  const pinned = fileURLToPath(new URL("../../node_modules/node/bin/node", import.meta.url));
  // Set for the handed-over run, so a pinned Node that cannot strip types either (NODE_OPTIONS) ends here.
  if (!existsSync(pinned) || process.env.FEEDWRIGHT_ON_PINNED_NODE) {
    process.stderr.write(
      `feedwright runs on Node 22.18 or later with type stripping (this is ${process.version}${process.env.FEEDWRIGHT_ON_PINNED_NODE ? ", with it turned off" : ""}): run npm install here, then npx feedwright\n`,
    );
    process.exit(1);
  }
  const run = spawnSync(pinned, [fileURLToPath(import.meta.url), ...process.argv.slice(2)], {
    stdio: "inherit",
    env: { ...process.env, FEEDWRIGHT_ON_PINNED_NODE: "1" },
  });
  process.exitCode = run.status ?? 1;
}
