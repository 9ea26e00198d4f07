/**
 * Worker benchmark: the published data and the Worker's check-update at N releases, against a
 * static file served by the same `wrangler dev`.
 *
 *   node scripts/dev/bench-worker.ts [--releases 100,300,1000] [--requests 2000] [--concurrency 16] [--rounds 3]
 *
 * For each N it makes a plugin with N releases and realistic changelogs in memory (no git: the
 * release YAML goes through the pure core, parseReleaseTree → compilePlan → renderOutputFiles,
 * with made-up package bytes), writes the published folder to a temporary directory, serves it
 * with `wrangler dev` on 127.0.0.1 (a free port, offline, as `npm run dev` starts it) and
 * measures, in interleaved rounds (medians reported), check-update against the static
 * check-update.json: throughput and latency for a bounded number of requests at a fixed
 * concurrency. It also reports the sizes that grow with N or must not: the document the Worker
 * loads per isolate, its answer, and the bytes the updater inside the plugin reads per check.
 *
 * Used by `npm run bench` (scripts/dev/bench-build.ts), which imports:
 *
 *   export async function benchWorker(options: BenchWorkerOptions): Promise<BenchWorkerResult>
 *
 *   BenchWorkerOptions = { releases: number; requests: number; concurrency?: number (16);
 *                          rounds?: number (3); maxSeconds?: number (60, per measured run);
 *                          log?: (line: string) => void (progress, default none) }
 *   BenchWorkerResult  = { rows: { label: string; value: string }[]; figures: BenchWorkerFigures }
 *
 * One call is one N; it starts and stops its own wrangler and removes its folder.
 */
import { type ChildProcess, spawn } from "node:child_process";
import { createHash } from "node:crypto";
import { mkdirSync, mkdtempSync, readFileSync, rmSync, statSync, writeFileSync } from "node:fs";
import { createServer } from "node:net";
import { loadavg, tmpdir } from "node:os";
import path from "node:path";
import { performance } from "node:perf_hooks";
import { parseArgs } from "node:util";
import {
  type Channel,
  decideOffer,
  FEED_PATH,
  FEED_SIGNATURE_PATH,
  type FeedDocument,
  fitCheckUpdateAnswer,
  infoFileName,
  normaliseVersion,
  OFFERS_FILE,
  type OfferIndexDocument,
  packageFileName,
  pluginFilePath,
  RELEASES_FILE,
  renderCheckUpdateAnswer,
  rolloutBucketsFor,
  rolloutSiteKey,
} from "../contract/index.ts";
import type { OutputFile, PublishedPackage } from "../core/output-files.ts";
import { renderOutputFiles } from "../core/output-files.ts";
import { parseReleaseTree } from "../core/parse-tree.ts";
import { compilePlan } from "../core/plan.ts";
import { formatProblem } from "../core/problems.ts";
import { signFile, signingKeyFromSeed } from "../core/signing.ts";
import { OFFLINE_ENV, WRANGLER_BIN, WRANGLER_CONFIG } from "../io/wrangler.ts";

export interface BenchWorkerOptions {
  releases: number;
  requests: number;
  concurrency?: number;
  rounds?: number;
  maxSeconds?: number;
  log?: (line: string) => void;
}

export interface BenchWorkerFigures {
  releases: number;
  /** The per-plugin document the Worker reads for check-update, and its size. */
  workerDocument: string;
  workerDocumentBytes: number;
  releasesJsonBytes: number;
  /** Medians over the rounds. */
  checkUpdate: { perSecond: number; p50Ms: number; p95Ms: number };
  staticFile: { perSecond: number; p50Ms: number; p95Ms: number };
  /**
   * A Worker route that does nothing (an unknown action: the per-address limit, routing, a 404):
   * what running the Worker at all costs on this wrangler dev, the floor under check-update.
   */
  emptyRoute: { perSecond: number; p50Ms: number; p95Ms: number };
  /** check-update throughput over the static file's, per round, then the median. */
  ratio: number;
  /** The largest check-update answer of the queries asked. */
  answerBytes: number;
  /** The first check-update of a fresh Worker: it loads the document. */
  firstAnswerMs: number;
  /**
   * What the Worker's check-update computes per request once the index is loaded (decide,
   * render, fit to 1 KiB), timed in this process: null when the build writes no offer index.
   */
  decisionMicros: number | null;
  /** What the updater reads per check: version 2 (feed, .sig, releases.json, info.json) and version 3. */
  updaterBytes: { version2: number; version3: number; version3Files: string[] };
}

export interface BenchWorkerResult {
  rows: { label: string; value: string }[];
  figures: BenchWorkerFigures;
}

export const BENCH_SLUG = "bench-plugin";
const SLUG = BENCH_SLUG;
const ROOT = path.resolve(import.meta.dirname, "..", "..");

const PLUGIN_YAML = `name: Bench Plugin
slug: ${SLUG}
platform: wordpress
description: A plugin with a long history, for the Worker benchmark.
homepage: https://example.com
author: Example
main_file: bench-plugin.php
version_constant: BENCH_PLUGIN_VERSION
requires_php: "7.4"
requires_wp: "6.0"
tested_wp: "6.7"
api_base: https://updates.example.com/api
`;

/** A small deterministic generator, so every run publishes the same documents. */
function generator(seed: number): () => number {
  let state = seed >>> 0 || 1;
  return () => {
    state = (state * 1664525 + 1013904223) >>> 0;
    return state / 2 ** 32;
  };
}

const VERBS = ["Fix", "Add", "Improve", "Speed up", "Rework", "Harden", "Document", "Remove", "Clarify", "Cache"];
const THINGS = [
  "the sync of orders with the remote store",
  "the settings page's validation messages",
  "the REST endpoint for product updates",
  "the nightly clean-up of expired tokens",
  "the retry of failed webhook deliveries",
  "translations for German, French and Japanese",
  "the health check shown on the dashboard",
  "compatibility with multisite networks",
  "the export of logs as CSV",
  "error messages when the API key is wrong",
  "the handling of time zones in scheduled syncs",
  "memory use when importing large catalogues",
];
const DETAILS = [
  "reported by several sites running PHP 8.2",
  "no longer blocks the admin while it runs",
  "now logs the reason instead of failing silently",
  "with a filter for developers to change the default",
  "which could time out on slow hosts",
  "so that the option is kept after an update",
];

/** A changelog of 6 to 14 Markdown bullet points (about 0.5 to 1.5 KB), as vendors write them. */
function changelogFor(index: number): string {
  const random = generator(index + 17);
  const pick = <T>(items: readonly T[]) => items[Math.floor(random() * items.length)] as T;
  const lines = Math.floor(6 + random() * 9);
  return Array.from({ length: lines }, () => `- ${pick(VERBS)} ${pick(THINGS)}, ${pick(DETAILS)}.`).join("\n");
}

function versionOf(index: number): string {
  return `${1 + Math.floor(index / 100)}.${Math.floor((index % 100) / 10)}.${index % 10}`;
}

function yamlString(value: string): string {
  return JSON.stringify(value);
}

/**
 * N releases, oldest first: mostly released, every 10th update_ready, every 40th withdrawn
 * (deprecated, with a reason), every 50th a security release; PHP 8.0 from 40% of the history
 * and 8.1 from 80%; the newest release at a 25% rollout, and a beta above it.
 */
export function benchReleaseFiles(count: number): { path: string; text: string }[] {
  const files = [{ path: `releases/${SLUG}/plugin.yaml`, text: PLUGIN_YAML }];
  const stableCount = Math.max(1, count - 1);
  for (let index = 0; index < stableCount; index++) {
    const version = versionOf(index);
    const newest = index === stableCount - 1;
    const deprecated = index % 40 === 39 && !newest;
    const status = deprecated ? "deprecated" : index % 10 === 9 ? "update_ready" : "released";
    const lines = [
      `version: ${version}`,
      `status: ${status}`,
      `released_at: "${new Date(Date.UTC(2020, 0, 1) + index * 7 * 86_400_000).toISOString().replace(".000", "")}"`,
      `source: "${createHash("sha1").update(version).digest("hex")}"`,
      `changelog: ${yamlString(changelogFor(index))}`,
      ...(index >= stableCount * 0.8
        ? ['requires_php: "8.1"']
        : index >= stableCount * 0.4
          ? ['requires_php: "8.0"']
          : []),
      ...(index % 50 === 49 ? ["force_update: true"] : []),
      ...(newest && count > 1 ? ["rollout: 25"] : []),
      ...(index % 7 === 0 ? [`upgrade_notice: ${yamlString("Back up your settings before updating.")}`] : []),
      ...(deprecated
        ? [
            `deprecation_reason: ${yamlString(`Version ${version} could lose queued orders on PHP 8.2; update to the next release.`)}`,
          ]
        : []),
    ];
    files.push({ path: `releases/${SLUG}/${version}.yaml`, text: `${lines.join("\n")}\n` });
  }
  if (count > 1) {
    const beta = `${versionOf(stableCount)}-beta.1`;
    files.push({
      path: `releases/${SLUG}/${beta}.yaml`,
      text: `version: ${beta}\nstatus: testing\nsource: "${createHash("sha1").update(beta).digest("hex")}"\nchangelog: ${yamlString(changelogFor(stableCount))}\n`,
    });
  }
  return files;
}

/** The key the benchmark's feed is signed with (fixed, so an updater can pin it). */
export function benchSigningKey() {
  return signingKeyFromSeed(createHash("sha256").update("feedwright bench key").digest());
}

/** The published folder for N releases, as the build renders it, with made-up package bytes. */
export function benchOutputFiles(count: number): OutputFile[] {
  const parsed = parseReleaseTree({ pluginDirs: [`releases/${SLUG}`], files: benchReleaseFiles(count) });
  if (parsed.problems.length > 0) throw new Error(parsed.problems.map((problem) => formatProblem(problem)).join("\n"));
  const plan = compilePlan(parsed.plugins);
  const key = benchSigningKey();
  const packages: PublishedPackage[] = plan.plugins.flatMap((plugin) =>
    plugin.releases
      .filter((release) => release.packaged)
      .map((release) => {
        const bytes = createHash("sha512").update(release.version).digest();
        return {
          slug: plugin.slug,
          version: release.version,
          fileName: packageFileName(plugin.slug, release.version),
          bytes,
          facts: {
            sha256: createHash("sha256").update(bytes).digest("hex"),
            md5: createHash("md5").update(bytes).digest("hex"),
            size: bytes.length,
          },
          signatures: [{ key_id: key.id, signature: signFile(bytes, key) }],
        };
      }),
  );
  const pages = path.join(ROOT, "site", "pages");
  const templates = {
    index: readFileSync(path.join(pages, "index.hbs"), "utf8"),
    plugin: readFileSync(path.join(pages, "plugin.hbs"), "utf8"),
    style: readFileSync(path.join(pages, "style.hbs"), "utf8"),
    geeklog: readFileSync(path.join(pages, "geeklog.hbs"), "utf8"),
  };
  const issued = new Date();
  return renderOutputFiles(
    plan,
    packages,
    templates,
    {
      serial: 1,
      commit: "0".repeat(40),
      issuedAt: issued.toISOString(),
      expires: new Date(issued.getTime() + 30 * 86_400_000).toISOString(),
      keys: [{ id: key.id, public_key: key.publicKey, role: "current" }],
    },
    [key],
  );
}

function writeFolder(dir: string, files: OutputFile[]): void {
  for (const file of files) {
    const target = path.join(dir, file.path);
    mkdirSync(path.dirname(target), { recursive: true });
    if ("content" in file) writeFileSync(target, file.content);
    else writeFileSync(target, readFileSync(file.copyFrom));
  }
}

function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.on("error", reject);
    server.listen(0, "127.0.0.1", () => {
      const address = server.address();
      const port = typeof address === "object" && address ? address.port : 0;
      server.close(() => resolve(port));
    });
  });
}

interface Wrangler {
  url: string;
  child: ChildProcess;
  stop(): Promise<void>;
}

async function startWrangler(assets: string, state: string): Promise<Wrangler> {
  const port = await freePort();
  const child = spawn(
    process.execPath,
    [
      WRANGLER_BIN,
      "dev",
      "--config",
      WRANGLER_CONFIG,
      "--assets",
      assets,
      "--ip",
      "127.0.0.1",
      "--port",
      String(port),
      "--persist-to",
      state,
      "--show-interactive-dev-session=false",
      "--log-level",
      "warn",
    ],
    { cwd: ROOT, env: { ...process.env, ...OFFLINE_ENV }, stdio: ["ignore", "pipe", "pipe"], detached: true },
  );
  let output = "";
  child.stdout?.on("data", (chunk) => {
    output = (output + chunk).slice(-4000);
  });
  child.stderr?.on("data", (chunk) => {
    output = (output + chunk).slice(-4000);
  });
  const url = `http://127.0.0.1:${port}`;
  const stop = async () => {
    if (child.exitCode !== null || child.pid === undefined) return;
    const closed = new Promise((resolve) => child.once("close", resolve));
    // wrangler runs workerd as its child: the whole process group it leads.
    process.kill(-child.pid, "SIGTERM");
    const timer = setTimeout(() => child.pid && process.kill(-child.pid, "SIGKILL"), 5000);
    await closed;
    clearTimeout(timer);
  };
  const deadline = Date.now() + 90_000;
  for (;;) {
    if (child.exitCode !== null) throw new Error(`wrangler dev exited:\n${output}`);
    // The static feed answers once the assets are served; the Worker is not asked yet.
    const ready = await fetch(`${url}/${FEED_PATH}`).then(
      (response) => response.ok,
      () => false,
    );
    if (ready) return { url, child, stop };
    if (Date.now() > deadline) {
      await stop();
      throw new Error(`wrangler dev did not answer on ${url} within 90 s:\n${output}`);
    }
    await new Promise((resolve) => setTimeout(resolve, 250));
  }
}

interface Run {
  perSecond: number;
  p50Ms: number;
  p95Ms: number;
  maxBytes: number;
}

const percentile = (sorted: number[], fraction: number) =>
  sorted[Math.min(sorted.length - 1, Math.floor(sorted.length * fraction))] ?? 0;
const median = (values: number[]) => [...values].sort((a, b) => a - b)[Math.floor(values.length / 2)] ?? 0;

/** `requests` GETs of the URLs (taken in turn) at `concurrency`, stopping after maxSeconds. */
async function load(
  urls: string[],
  requests: number,
  concurrency: number,
  maxSeconds: number,
  status = 200,
): Promise<Run> {
  const latencies: number[] = [];
  let next = 0;
  let maxBytes = 0;
  const started = performance.now();
  const deadline = started + maxSeconds * 1000;
  const worker = async () => {
    while (next < requests && performance.now() < deadline) {
      const url = urls[next++ % urls.length] as string;
      const sent = performance.now();
      const response = await fetch(url);
      const body = await response.arrayBuffer();
      if (response.status !== status)
        throw new Error(`${url}: HTTP ${response.status} ${Buffer.from(body).toString().slice(0, 200)}`);
      latencies.push(performance.now() - sent);
      maxBytes = Math.max(maxBytes, body.byteLength);
    }
  };
  await Promise.all(Array.from({ length: concurrency }, worker));
  const seconds = (performance.now() - started) / 1000;
  latencies.sort((a, b) => a - b);
  return {
    perSecond: latencies.length / seconds,
    p50Ms: percentile(latencies, 0.5),
    p95Ms: percentile(latencies, 0.95),
    maxBytes,
  };
}

/** Sites on a spread of versions: old, withdrawn, recent, current; stable and beta; many site ids. */
function checkUpdateUrls(base: string, files: OutputFile[]): string[] {
  const releasesFile = files.find((file) => file.path === pluginFilePath(SLUG, RELEASES_FILE));
  const releases = releasesFile && "content" in releasesFile ? JSON.parse(String(releasesFile.content)) : null;
  const versions: string[] = (releases?.releases ?? []).map((release: { version: string }) => release.version);
  const deprecated = (releases?.releases ?? []).find((release: { status: string }) => release.status === "deprecated");
  const picks = [
    versions[versions.length - 1],
    versions[Math.floor(versions.length / 2)],
    versions[3],
    versions[1],
    versions[0],
    deprecated?.version,
  ].filter((version): version is string => typeof version === "string");
  const urls: string[] = [];
  for (let index = 0; index < 64; index++) {
    const query = new URLSearchParams({
      current_version: picks[index % picks.length] ?? "1.0.0",
      site_id: `wp-${createHash("sha256").update(String(index)).digest("hex").slice(0, 12)}`,
      php_version: index % 3 === 0 ? "7.4.33" : "8.2.12",
      wp_version: "6.7.1",
      ...(index % 4 === 0 ? { channel: "beta" } : {}),
    });
    urls.push(`${base}/api/plugins/${SLUG}/check-update/?${query}`);
  }
  return urls;
}

/**
 * The Worker's per-request work on a loaded offer index (worker/src/index.ts checkUpdate without
 * the HTTP around it), in microseconds per request: the median of 5 runs of 2000 site checks.
 */
async function timeDecision(index: OfferIndexDocument, versions: string[]): Promise<number> {
  const sites = Array.from({ length: 2000 }, (_, n) => ({
    version: versions[(n * 7) % versions.length] ?? "1.0.0",
    channel: (n % 4 === 0 ? "beta" : "stable") as Channel,
    key: rolloutSiteKey({ siteId: `wp-${n}` }),
  }));
  const runOnce = async () => {
    const started = performance.now();
    for (const site of sites) {
      const candidates = index.channels[site.channel];
      const decision = decideOffer(index, {
        currentVersion: normaliseVersion(site.version) ?? site.version,
        channel: site.channel,
        phpVersion: "8.2.12",
        wpVersion: "6.7.1",
        bucketFor: await rolloutBucketsFor(index.slug, candidates, site.key),
      });
      const latest = candidates.find((candidate) => candidate.version === index.latest[site.channel]) ?? null;
      fitCheckUpdateAnswer(
        renderCheckUpdateAnswer({
          slug: index.slug,
          apiBase: "http://127.0.0.1/api",
          siteUrl: "http://127.0.0.1",
          channel: site.channel,
          currentVersion: site.version,
          offer: { ...decision, deprecation: decision.currentDeprecated ? { reason: "Withdrawn." } : null },
          latest,
        }),
      );
    }
    return ((performance.now() - started) * 1000) / sites.length;
  };
  await runOnce();
  const runs: number[] = [];
  for (let run = 0; run < 5; run++) runs.push(await runOnce());
  return median(runs);
}

function sizeOf(dir: string, relative: string): number {
  try {
    return statSync(path.join(dir, relative)).size;
  } catch {
    return 0;
  }
}

export async function benchWorker(options: BenchWorkerOptions): Promise<BenchWorkerResult> {
  const concurrency = options.concurrency ?? 16;
  const rounds = options.rounds ?? 3;
  const maxSeconds = options.maxSeconds ?? 60;
  const log = options.log ?? (() => {});
  const dir = mkdtempSync(path.join(tmpdir(), "feedwright-bench-worker-"));
  const assets = path.join(dir, "dist");
  let wrangler: Wrangler | null = null;
  try {
    const files = benchOutputFiles(options.releases);
    writeFolder(assets, files);
    const feed = JSON.parse(readFileSync(path.join(assets, FEED_PATH), "utf8")) as FeedDocument;
    const entry = feed.plugins[SLUG] as (typeof feed.plugins)[string] & { offers?: unknown };
    // The document the Worker loads for check-update: the offer index when the build writes one.
    const indexName = Object.keys(entry?.documents ?? {}).find((name) => name.startsWith("offers"));
    const workerDocument = indexName ?? RELEASES_FILE;
    const v2Files = [
      FEED_PATH,
      FEED_SIGNATURE_PATH,
      pluginFilePath(SLUG, RELEASES_FILE),
      pluginFilePath(SLUG, infoFileName("stable")),
    ];
    const v3Files = entry?.offers ? [FEED_PATH, FEED_SIGNATURE_PATH] : v2Files;
    log(`N=${options.releases}: ${files.length} files written; starting wrangler dev`);
    wrangler = await startWrangler(assets, path.join(dir, "state"));
    const indexFile = files.find((file) => file.path === pluginFilePath(SLUG, OFFERS_FILE));
    const releasesFile = files.find((file) => file.path === pluginFilePath(SLUG, RELEASES_FILE));
    const versions = (
      releasesFile && "content" in releasesFile ? JSON.parse(String(releasesFile.content)).releases : []
    ).map((release: { version: string }) => release.version);
    const decisionMicros =
      indexFile && "content" in indexFile
        ? await timeDecision(JSON.parse(String(indexFile.content)) as OfferIndexDocument, versions)
        : null;
    const urls = checkUpdateUrls(wrangler.url, files);
    const staticUrls = [`${wrangler.url}/${pluginFilePath(SLUG, "check-update.json")}`];
    const emptyUrls = [`${wrangler.url}/api/plugins/${SLUG}/no-such-action/`];
    const first = performance.now();
    const firstResponse = await fetch(urls[0] as string);
    await firstResponse.arrayBuffer();
    const firstAnswerMs = performance.now() - first;
    // Warm both paths (the Worker's bundle, the asset server), then interleave measured rounds.
    await load(urls, 200, concurrency, maxSeconds);
    await load(staticUrls, 200, concurrency, maxSeconds);
    await load(emptyUrls, 200, concurrency, maxSeconds, 404);
    const worker: Run[] = [];
    const fixed: Run[] = [];
    const empty: Run[] = [];
    const ratios: number[] = [];
    for (let round = 0; round < rounds; round++) {
      const staticRun = await load(staticUrls, options.requests, concurrency, maxSeconds);
      const workerRun = await load(urls, options.requests, concurrency, maxSeconds);
      empty.push(await load(emptyUrls, options.requests, concurrency, maxSeconds, 404));
      fixed.push(staticRun);
      worker.push(workerRun);
      ratios.push(workerRun.perSecond / staticRun.perSecond);
      log(
        `N=${options.releases} round ${round + 1}: check-update ${workerRun.perSecond.toFixed(0)}/s, static ${staticRun.perSecond.toFixed(0)}/s`,
      );
    }
    const summary = (runs: Run[]) => ({
      perSecond: median(runs.map((run) => run.perSecond)),
      p50Ms: median(runs.map((run) => run.p50Ms)),
      p95Ms: median(runs.map((run) => run.p95Ms)),
    });
    const figures: BenchWorkerFigures = {
      releases: options.releases,
      workerDocument,
      workerDocumentBytes: sizeOf(assets, pluginFilePath(SLUG, workerDocument)),
      releasesJsonBytes: sizeOf(assets, pluginFilePath(SLUG, RELEASES_FILE)),
      checkUpdate: summary(worker),
      staticFile: summary(fixed),
      emptyRoute: summary(empty),
      ratio: median(ratios),
      answerBytes: Math.max(...worker.map((run) => run.maxBytes)),
      firstAnswerMs,
      decisionMicros,
      updaterBytes: {
        version2: v2Files.reduce((sum, file) => sum + sizeOf(assets, file), 0),
        version3: v3Files.reduce((sum, file) => sum + sizeOf(assets, file), 0),
        version3Files: v3Files,
      },
    };
    return { rows: rowsOf(figures, options.requests, concurrency, rounds), figures };
  } finally {
    await wrangler?.stop();
    rmSync(dir, { recursive: true, force: true });
  }
}

const kib = (bytes: number) =>
  bytes >= 10 * 1024 ? `${(bytes / 1024).toFixed(0)} KiB` : `${(bytes / 1024).toFixed(1)} KiB`;

function rowsOf(figures: BenchWorkerFigures, requests: number, concurrency: number, rounds: number) {
  const n = figures.releases;
  const latency = (run: BenchWorkerFigures["checkUpdate"]) =>
    `${run.perSecond.toFixed(0)} req/s, p50 ${run.p50Ms.toFixed(1)} ms, p95 ${run.p95Ms.toFixed(1)} ms`;
  return [
    {
      label: `Worker check-update at ${n} releases (${requests} requests × ${rounds}, concurrency ${concurrency})`,
      value: latency(figures.checkUpdate),
    },
    { label: `static check-update.json at ${n} releases (same wrangler dev)`, value: latency(figures.staticFile) },
    {
      label: `Worker route that does nothing (404) at ${n} releases (same wrangler dev)`,
      value: latency(figures.emptyRoute),
    },
    { label: `check-update / static throughput at ${n} releases`, value: `${figures.ratio.toFixed(2)}×` },
    {
      label: `check-update / do-nothing Worker route throughput at ${n} releases`,
      value: `${(figures.checkUpdate.perSecond / figures.emptyRoute.perSecond).toFixed(2)}×`,
    },
    { label: `first check-update of a fresh Worker at ${n} releases`, value: `${figures.firstAnswerMs.toFixed(0)} ms` },
    { label: `largest check-update answer at ${n} releases`, value: `${figures.answerBytes} bytes` },
    {
      label: `check-update work per request on the loaded index at ${n} releases (in process)`,
      value: figures.decisionMicros === null ? "no offer index" : `${figures.decisionMicros.toFixed(0)} µs`,
    },
    {
      label: `document the Worker loads per isolate at ${n} releases (${figures.workerDocument})`,
      value: kib(figures.workerDocumentBytes),
    },
    { label: `releases.json at ${n} releases`, value: kib(figures.releasesJsonBytes) },
    {
      label: `updater 3 bytes per check at ${n} releases (${figures.updaterBytes.version3Files.join(", ")})`,
      value: kib(figures.updaterBytes.version3),
    },
    {
      label: `updater 2 bytes per check at ${n} releases (feed.json, .sig, releases.json, info.json)`,
      value: kib(figures.updaterBytes.version2),
    },
  ];
}

if (process.argv[1] && path.resolve(process.argv[1]) === path.resolve(import.meta.filename)) {
  const { values } = parseArgs({
    options: {
      releases: { type: "string", default: "100,300,1000" },
      requests: { type: "string", default: "2000" },
      concurrency: { type: "string", default: "16" },
      rounds: { type: "string", default: "3" },
    },
  });
  const counts = values.releases.split(",").map(Number);
  const numbers = [Number(values.requests), Number(values.concurrency), Number(values.rounds)];
  if (
    counts.some((n) => !Number.isInteger(n) || n < 1 || n > 9000) ||
    numbers.some((n) => !Number.isInteger(n) || n < 1)
  ) {
    console.error(
      "bench-worker: --releases takes whole numbers from 1 to 9000, --requests, --concurrency and --rounds whole numbers from 1",
    );
    process.exit(2);
  }
  const rows: { label: string; value: string }[] = [];
  for (const releases of counts) {
    const result = await benchWorker({
      releases,
      requests: numbers[0] as number,
      concurrency: numbers[1] as number,
      rounds: numbers[2] as number,
      log: (line) => process.stderr.write(`${line}\n`),
    });
    rows.push(...result.rows);
  }
  const width = Math.max(...rows.map((row) => row.label.length));
  process.stdout.write(
    `load average ${loadavg()
      .map((n) => n.toFixed(2))
      .join(" ")}\n`,
  );
  for (const row of rows) process.stdout.write(`${row.label.padEnd(width)}  ${row.value}\n`);
}
