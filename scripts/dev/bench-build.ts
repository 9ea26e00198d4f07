/**
 * Build benchmark: prints figures for a cold build, a no-op rebuild and a rebuild after
 * adding one release, on a fresh clone of this repository (so the cache starts empty).
 * Usage: npm run bench [-- --runs 5]
 */
import { execFileSync } from "node:child_process";
import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import { performance } from "node:perf_hooks";
import { parseArgs } from "node:util";
import { runBuild } from "../build.ts";
import { parseSigningKey } from "../core/signing.ts";
import { generateSeed } from "../io/keys.ts";

const { values } = parseArgs({ options: { runs: { type: "string", default: "5" } } });
const runs = Number(values.runs);
const projectRoot = path.resolve(import.meta.dirname, "..", "..");
const keys = [parseSigningKey(generateSeed())];

async function timeBuild(root: string, cacheDir: string) {
  const started = performance.now();
  const report = await runBuild({ repoRoot: root, outDir: path.join(root, "dist"), cacheDir, keys });
  return { ms: performance.now() - started, packaged: report.packaged.length, reused: report.reused.length };
}

const median = (values: number[]) => [...values].sort((a, b) => a - b)[Math.floor(values.length / 2)] ?? 0;
const rows: { scenario: string; ms: number[]; packaged: number }[] = [];
for (let run = 0; run < runs; run++) {
  const clone = mkdtempSync(path.join(tmpdir(), "feedwright-bench-"));
  try {
    execFileSync("git", ["clone", "-q", projectRoot, clone]);
    const cache = path.join(clone, ".feedwright/cache/packages");
    const git = (...args: string[]) => execFileSync("git", args, { cwd: clone, stdio: "pipe" });
    const cold = await timeBuild(clone, cache);
    const noop = await timeBuild(clone, cache);
    // One more release, pinned to a new commit of the source.
    git(
      "-c",
      "user.name=bench",
      "-c",
      "user.email=bench@example.invalid",
      "commit",
      "-q",
      "--allow-empty",
      "-m",
      "bench",
    );
    const head = execFileSync("git", ["rev-parse", "HEAD"], { cwd: clone, encoding: "utf8" }).trim();
    writeFileSync(
      path.join(clone, "releases/igny8-wp-bridge/1.3.0-beta.2.yaml"),
      `version: 1.3.0-beta.2\nstatus: testing\nsource: "${head}"\nchangelog: bench\n`,
    );
    const added = await timeBuild(clone, cache);
    for (const [scenario, result] of [
      ["cold build (empty cache)", cold],
      ["no-op rebuild", noop],
      ["rebuild after adding one release", added],
    ] as const) {
      const row = rows.find((candidate) => candidate.scenario === scenario) ?? {
        scenario,
        ms: [],
        packaged: result.packaged,
      };
      if (!rows.includes(row)) rows.push(row);
      row.ms.push(result.ms);
    }
  } finally {
    rmSync(clone, { recursive: true, force: true });
  }
}
console.log(`feedwright build benchmark: example feed, ${runs} runs, node ${process.version}`);
for (const row of rows) {
  console.log(
    `${row.scenario.padEnd(34)} median ${median(row.ms).toFixed(0).padStart(5)} ms  min ${Math.min(...row.ms)
      .toFixed(0)
      .padStart(5)} ms  packages zipped: ${row.packaged}`,
  );
}
console.log(`peak RSS ${(process.resourceUsage().maxRSS / 1024).toFixed(0)} MiB`);
