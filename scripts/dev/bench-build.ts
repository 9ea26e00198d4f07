/**
 * `npm run bench`: how feedwright scales with the number of releases. For each size N it
 * generates (once) a corpus of a realistic plugin with N releases as git history (see
 * bench/corpus.ts), then, in fresh clones, runs the CLI as a user does (a child process, start
 * included) and the original service's manual path side by side, several times interleaved,
 * and prints medians:
 *
 * - full build: a cold build (empty cache) packaging every release the plan packages, against
 *   the manual path (`git archive` + `zip -X -r` + `sha256sum` + `md5sum`, sequential) for the
 *   same releases; `retain` is capped at 100, so at 300 and 1000 both package 101;
 * - no-op: the same build again; one added: a build after a pull request adds one release;
 * - validate (after the build, and on the pull request), check --base on the pull request in a
 *   fresh clone as CI runs it (no cache, no key);
 * - peak RSS of each, and the Worker's check-update against a static file when
 *   scripts/dev/bench-worker.ts is there.
 *
 * Usage: npm run bench [-- --sizes 100,300,1000 --runs 3 --manual all --worker-requests 2000 --no-worker
 *                          --only "full build,no-op"]
 */
import { execFileSync } from "node:child_process";
import { existsSync, mkdtempSync, readFileSync, rmSync } from "node:fs";
import { loadavg, tmpdir } from "node:os";
import path from "node:path";
import { parseArgs } from "node:util";
import { parseSigningKey } from "../core/signing.ts";
import { BENCH_SIGNING_SEED, CORPUS_SLUG, type Corpus, type CorpusRelease, ensureCorpus } from "./bench/corpus.ts";
import { timeManualPath } from "./bench/manual-path.ts";
import { formatMs, median, type Timed, timeCommand } from "./bench/measure.ts";

const { values } = parseArgs({
  options: {
    sizes: { type: "string", default: "100,300,1000" },
    runs: { type: "string", default: "3" },
    manual: { type: "string", default: "same" },
    only: { type: "string" },
    "worker-requests": { type: "string", default: "2000" },
    "no-worker": { type: "boolean", default: false },
  },
});
const sizes = values.sizes.split(",").map((size) => Number(size.trim()));
const runs = Number(values.runs);
if (sizes.some((size) => !Number.isInteger(size) || size < 2 || size > 9999) || !Number.isInteger(runs) || runs < 1)
  throw new Error("--sizes: whole numbers from 2 to 9999, separated by commas; --runs: a whole number from 1");
if (values.manual !== "same" && values.manual !== "all")
  throw new Error("--manual: same (the releases feedwright packages) or all (every release)");

const projectRoot = path.resolve(import.meta.dirname, "..", "..");
const cli = path.join(projectRoot, "scripts", "bin", "feedwright.js");
const signingKey = parseSigningKey(BENCH_SIGNING_SEED);
const buildEnv = { ...process.env, FEEDWRIGHT_SIGNING_KEY: BENCH_SIGNING_SEED };
/** As a pull request's CI runs check: no signing key (secrets are not given to pull requests). */
const ciEnv = Object.fromEntries(Object.entries(process.env).filter(([name]) => name !== "FEEDWRIGHT_SIGNING_KEY"));
const log = (message: string) => process.stderr.write(`bench: ${message}\n`);

function runFeedwright(cwd: string, args: string[], env: NodeJS.ProcessEnv = buildEnv): Promise<Timed> {
  return timeCommand(process.execPath, [cli, ...args], { cwd, env });
}

async function expectOk(what: string, timed: Promise<Timed>): Promise<Timed> {
  const result = await timed;
  if (result.code !== 0) throw new Error(`${what} failed (exit ${result.code}):\n${result.stderr}`);
  return result;
}

const git = (cwd: string, ...args: string[]) =>
  execFileSync("git", args, { cwd, encoding: "utf8", stdio: ["ignore", "pipe", "pipe"] }).trim();

function freshClone(corpus: Corpus): string {
  const dir = mkdtempSync(path.join(tmpdir(), "feedwright-bench-"));
  git(tmpdir(), "clone", "-q", "--local", corpus.dir, dir);
  git(dir, "fetch", "-q", "origin", "pr:pr");
  return dir;
}

/** How many packages a build says it zipped and reused. */
function countsOf(result: Timed): { packaged: number; reused: number } {
  return {
    packaged: Number(/^ {2}packaged (\d+)/m.exec(result.stderr)?.[1] ?? Number.NaN),
    reused: Number(/^ {2}reused from cache (\d+)/m.exec(result.stderr)?.[1] ?? Number.NaN),
  };
}

/** The releases a build published a package of, from its releases.json. */
function packagedReleases(clone: string, corpus: Corpus): CorpusRelease[] {
  const document = JSON.parse(
    readFileSync(path.join(clone, "dist", "plugins", CORPUS_SLUG, "releases.json"), "utf8"),
  ) as {
    releases: { version: string; packaged: boolean }[];
  };
  const packaged = new Set(document.releases.filter((release) => release.packaged).map((release) => release.version));
  return corpus.releases.filter((release) => packaged.has(release.version));
}

type Scenario =
  | "full build"
  | "manual path"
  | "no-op rebuild"
  | "validate after the build"
  | "validate on the pull request"
  | "check --base (CI: fresh clone)"
  | "one release added";
const SCENARIOS: Scenario[] = [
  "full build",
  "manual path",
  "no-op rebuild",
  "validate after the build",
  "validate on the pull request",
  "check --base (CI: fresh clone)",
  "one release added",
];

interface Sample {
  ms: number;
  rssMiB: number | null;
  packaged?: number;
  reused?: number;
}

const samples = new Map<number, Map<Scenario, Sample[]>>();
function record(size: number, scenario: Scenario, result: Timed, extra: Partial<Sample> = {}): void {
  const bySize = samples.get(size) ?? new Map<Scenario, Sample[]>();
  samples.set(size, bySize);
  const list = bySize.get(scenario) ?? [];
  bySize.set(scenario, list);
  list.push({ ms: result.ms, rssMiB: result.rssMiB, ...extra });
}

async function runOnce(corpus: Corpus): Promise<void> {
  const size = corpus.size;
  const clone = freshClone(corpus);
  const ci = freshClone(corpus);
  try {
    const want = (scenario: string) => !values.only || values.only.split(",").some((part) => scenario.startsWith(part));
    const cold = await expectOk("the full build", runFeedwright(clone, ["build", "--quiet"]));
    record(size, "full build", cold, countsOf(cold));
    if (want("manual path")) {
      const releases = values.manual === "all" ? corpus.releases : packagedReleases(clone, corpus);
      record(size, "manual path", await timeManualPath(clone, releases), { packaged: releases.length });
    }
    if (want("no-op rebuild")) {
      const noop = await expectOk("the no-op rebuild", runFeedwright(clone, ["build", "--quiet"]));
      record(size, "no-op rebuild", noop, countsOf(noop));
    }
    if (want("validate after the build"))
      record(size, "validate after the build", await expectOk("validate", runFeedwright(clone, ["validate"])));
    git(clone, "checkout", "-q", "pr");
    if (want("validate on the pull request"))
      record(size, "validate on the pull request", await expectOk("validate", runFeedwright(clone, ["validate"])));
    if (want("check --base")) {
      git(ci, "checkout", "-q", "pr");
      record(
        size,
        "check --base (CI: fresh clone)",
        await expectOk("check --base", runFeedwright(ci, ["check", "--base", "main"], ciEnv)),
      );
    }
    if (want("one release added")) {
      const added = await expectOk("the build after adding a release", runFeedwright(clone, ["build", "--quiet"]));
      record(size, "one release added", added, countsOf(added));
    }
  } finally {
    rmSync(clone, { recursive: true, force: true });
    rmSync(ci, { recursive: true, force: true });
  }
}

/**
 * The Worker's figures, from the other half of the benchmark (scripts/dev/bench-worker.ts:
 * `benchWorker({ releases, requests, rounds, log })` per size, printing rows of label and
 * value), when that file is there.
 */
async function printWorkerFigures(): Promise<void> {
  const file = path.join(import.meta.dirname, "bench-worker.ts");
  if (values["no-worker"]) return;
  if (!existsSync(file)) {
    console.log("\nWorker: scripts/dev/bench-worker.ts is not there; no Worker figures.");
    return;
  }
  const module = (await import(file).catch((error: Error) => {
    console.log(`\nWorker: scripts/dev/bench-worker.ts could not be loaded (${error.message}); no Worker figures.`);
    return null;
  })) as Record<string, unknown> | null;
  if (!module) return;
  const benchWorker = module.benchWorker;
  if (typeof benchWorker !== "function") {
    console.log("\nWorker: scripts/dev/bench-worker.ts exports no benchWorker function; no Worker figures.");
    return;
  }
  console.log("\nWorker (scripts/dev/bench-worker.ts, medians of interleaved rounds):");
  for (const releases of sizes) {
    const result = (await benchWorker({
      releases,
      requests: Number(values["worker-requests"]),
      rounds: runs,
      log,
    })) as { rows: { label: string; value: string }[] };
    for (const row of result.rows) console.log(`  ${row.label}: ${row.value}`);
  }
}

const ratio = (a: number, b: number) =>
  Number.isFinite(a) && Number.isFinite(b) && b > 0 ? `${(a / b).toFixed(2)}×` : "-";

function printTable(): void {
  const rows: string[] = [
    "| releases | packaged (feedwright / manual) | full build: feedwright vs manual | per package | no-op rebuild | one added (over no-op) | validate: after build / on the PR | check --base (CI) | peak RSS |",
    "|---|---|---|---|---|---|---|---|---|",
  ];
  for (const size of sizes) {
    const bySize = samples.get(size);
    if (!bySize) continue;
    const ms = (scenario: Scenario) => median((bySize.get(scenario) ?? []).map((sample) => sample.ms));
    const count = (scenario: Scenario, field: "packaged" | "reused") =>
      median((bySize.get(scenario) ?? []).map((sample) => sample[field] ?? Number.NaN));
    const rss = Math.max(...[...bySize.values()].flat().map((sample) => sample.rssMiB ?? 0));
    const full = ms("full build");
    const manual = ms("manual path");
    const noop = ms("no-op rebuild");
    const added = ms("one release added");
    rows.push(
      [
        `${size}`,
        `${count("full build", "packaged")} / ${count("manual path", "packaged")}`,
        `${formatMs(full)} vs ${formatMs(manual)} (**${ratio(full, manual)}**)`,
        `${formatMs(full / count("full build", "packaged"))} vs ${formatMs(manual / count("manual path", "packaged"))}`,
        `${formatMs(noop)} (${full > 0 ? ((noop / full) * 100).toFixed(0) : "-"} % of full; ${count("no-op rebuild", "packaged")} zipped)`,
        `${formatMs(added)} (+${formatMs(added - noop)}; ${count("one release added", "packaged")} zipped)`,
        `${formatMs(ms("validate after the build"))} / ${formatMs(ms("validate on the pull request"))}`,
        formatMs(ms("check --base (CI: fresh clone)")),
        rss > 0 ? `${rss.toFixed(0)} MiB` : "-",
      ]
        .join(" | ")
        .replace(/^/, "| ")
        .concat(" |"),
    );
  }
  console.log(rows.join("\n"));
  // What history costs: the same work (no package to make, or the same 101 packages) at more releases.
  const measured = sizes.filter((size) => samples.has(size)).sort((a, b) => a - b);
  const [fewest, most] = [measured[0], measured[measured.length - 1]];
  if (fewest !== undefined && most !== undefined && most > fewest) {
    const perRelease = (scenario: Scenario) => {
      const at = (size: number) => median((samples.get(size)?.get(scenario) ?? []).map((sample) => sample.ms));
      return (at(most) - at(fewest)) / (most - fewest);
    };
    console.log(
      `\nPer release of history, from ${fewest} to ${most} releases: no-op ${perRelease("no-op rebuild").toFixed(2)} ms, ` +
        `validate on the PR ${perRelease("validate on the pull request").toFixed(2)} ms, check --base ${perRelease("check --base (CI: fresh clone)").toFixed(2)} ms.`,
    );
  }
  console.log("\nEvery scenario (median, min, max of the wall times; peak RSS):");
  for (const size of sizes) {
    for (const scenario of SCENARIOS) {
      const list = samples.get(size)?.get(scenario) ?? [];
      if (list.length === 0) continue;
      const times = list.map((sample) => sample.ms);
      const rss = Math.max(...list.map((sample) => sample.rssMiB ?? 0));
      console.log(
        `  ${String(size).padStart(5)} ${scenario.padEnd(32)} ${formatMs(median(times)).padStart(8)}  min ${formatMs(Math.min(...times)).padStart(8)}  max ${formatMs(Math.max(...times)).padStart(8)}  ${rss > 0 ? `${rss.toFixed(0)} MiB` : ""}`,
      );
    }
  }
}

const tools = {
  publicKey: signingKey.publicKey,
  log,
  feedwright(cwd: string, args: string[]) {
    execFileSync(process.execPath, [cli, ...args], { cwd, env: buildEnv, stdio: ["ignore", "ignore", "pipe"] });
  },
};
const corpora = [...sizes].sort((a, b) => b - a).map((size) => ensureCorpus(size, tools));
for (let run = 0; run < runs; run++) {
  for (const size of sizes) {
    log(`run ${run + 1}/${runs}, ${size} releases`);
    const corpus = corpora.find((candidate) => candidate.size === size);
    if (corpus) await runOnce(corpus);
  }
}
const [one, five] = loadavg();
console.log(
  `feedwright bench: node ${process.version}, ${runs} run(s) per size, medians; load average ${one?.toFixed(2)} (1 min) ${five?.toFixed(2)} (5 min) at the end\n`,
);
printTable();
await printWorkerFigures();
