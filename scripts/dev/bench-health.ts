/**
 * Release health benchmark: a plugin with 100,000 sites over 365 days (simulated inside its
 * history Durable Object, worker/bench/health-worker.ts), then the latency of
 * GET /stats/ (the figures now, and a year of history) and the object's storage size.
 * Runs wrangler's local runtime through its test harness, on 127.0.0.1, nothing deployed.
 *
 *   npm run bench:health [-- --sites 100000 --days 365 --changes 500 --downloads 500 --runs 10]
 *
 * Each day every site is seen, `changes` sites report a new version or health, and `downloads`
 * downloads (half automatic) are recorded with their per-download record.
 */
import { execFileSync } from "node:child_process";
import { mkdtempSync, readFileSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import { performance } from "node:perf_hooks";
import { parseArgs } from "node:util";
import { parse } from "jsonc-parser";
import { createTestHarness } from "wrangler";
import { generateSeed } from "../io/keys.ts";
import { OFFLINE_ENV } from "../io/wrangler.ts";

const { values } = parseArgs({
  options: {
    sites: { type: "string", default: "100000" },
    days: { type: "string", default: "365" },
    changes: { type: "string", default: "500" },
    downloads: { type: "string", default: "500" },
    runs: { type: "string", default: "10" },
  },
});
const bounded = (name: keyof typeof values, max: number) => {
  const value = Number(values[name]);
  if (!Number.isSafeInteger(value) || value < 1 || value > max) {
    console.error(`--${name}: expected a whole number from 1 to ${max}`);
    process.exit(2);
  }
  return value;
};
const SITES = bounded("sites", 200_000);
const DAYS = bounded("days", 400);
const CHANGES = bounded("changes", 5_000);
const DOWNLOADS = bounded("downloads", 5_000);
const RUNS = bounded("runs", 100);
const SLUG = "igny8-wp-bridge";
const TTL_DAYS = 30;
const ADMIN_TOKEN = generateSeed();
const VERSIONS = Array.from({ length: 20 }, (_, index) => `1.${Math.floor(index / 4)}.${index % 4}`);

const ROOT = path.resolve(import.meta.dirname, "..", "..");
// The harness runs wrangler in this process: nothing fetched from Cloudflare, no metrics sent.
Object.assign(process.env, OFFLINE_ENV);
const work = mkdtempSync(path.join(tmpdir(), "feedwright-bench-health-"));
const server = await (async () => {
  const out = path.join(work, "dist");
  execFileSync(
    process.execPath,
    [path.join(ROOT, "scripts/dev/dev-build.ts"), "--root", ROOT, "--out", out, "--origin", "http://127.0.0.1:8787"],
    {
      cwd: ROOT,
      env: { ...process.env, FEEDWRIGHT_SIGNING_KEY: generateSeed() },
      stdio: ["ignore", "ignore", "inherit"],
    },
  );
  const config = parse(readFileSync(path.join(ROOT, "worker/wrangler.jsonc"), "utf8"));
  const harness = createTestHarness({
    root: ROOT,
    workers: [
      {
        config: {
          name: "feedwright-bench",
          main: path.join(ROOT, "worker/bench/health-worker.ts"),
          compatibility_date: config.compatibility_date,
          assets: { ...config.assets, directory: out },
          kv_namespaces: config.kv_namespaces,
          durable_objects: config.durable_objects,
          migrations: config.migrations,
          ratelimits: config.ratelimits,
          vars: { ...config.vars, ADMIN_TOKEN },
        },
      },
    ],
  });
  await harness.listen();
  return harness;
})();

const post = async (route: string, body: object) => {
  const response = await server.fetch(`/__bench/${route}?slug=${SLUG}`, {
    method: "POST",
    body: JSON.stringify(body),
  });
  if (!response.ok) throw new Error(`${route}: ${response.status} ${await response.text()}`);
  await response.arrayBuffer();
};
const dayOf = (date: Date) => date.toISOString().slice(0, 10);
const today = dayOf(new Date());
const first = dayOf(new Date(Date.now() - (DAYS - 1) * 86_400_000));

try {
  const seeding = performance.now();
  for (let from = 0; from < SITES; from += 10_000) {
    await post("sites", {
      from,
      to: Math.min(SITES, from + 10_000),
      day: first,
      versions: VERSIONS.slice(0, 4),
      ttlDays: TTL_DAYS,
    });
  }
  const afterDay = new Date(Date.parse(`${first}T00:00:00Z`) + 86_400_000);
  for (let done = 1; done < DAYS; done += 30) {
    const count = Math.min(30, DAYS - done);
    await post("days", {
      first: dayOf(new Date(afterDay.getTime() + (done - 1) * 86_400_000)),
      count,
      sites: SITES,
      // Releases appear over the year: the newest of them on each stretch of days.
      versions: VERSIONS.slice(0, Math.max(4, Math.ceil(((done + count) / DAYS) * VERSIONS.length))),
      changes: CHANGES,
      downloads: DOWNLOADS,
      ttlDays: TTL_DAYS,
    });
  }
  const seedSeconds = (performance.now() - seeding) / 1000;

  const time = async (pathAndQuery: string) => {
    const timings: number[] = [];
    let bytes = 0;
    for (let run = 0; run < RUNS; run++) {
      const started = performance.now();
      const response = await server.fetch(pathAndQuery, { headers: { authorization: `Bearer ${ADMIN_TOKEN}` } });
      const text = await response.text();
      timings.push(performance.now() - started);
      if (response.status !== 200) throw new Error(`${pathAndQuery}: ${response.status} ${text}`);
      bytes = text.length;
    }
    timings.sort((a, b) => a - b);
    const at = (share: number) => timings[Math.min(timings.length - 1, Math.floor(share * timings.length))] ?? 0;
    return { median: at(0.5), p95: at(0.95), bytes };
  };
  const now = await time(`/api/plugins/${SLUG}/stats/`);
  const year = await time(`/api/plugins/${SLUG}/stats/?from=${first}&to=${today}`);
  const month = await time(
    `/api/plugins/${SLUG}/stats/?from=${dayOf(new Date(Date.now() - 29 * 86_400_000))}&to=${today}`,
  );
  const storage = (await (await server.fetch(`/__bench/storage?slug=${SLUG}`)).json()) as {
    bytes: number;
    rows: Record<string, number>;
  };
  const ms = (value: number) => `${value.toFixed(1)} ms`;
  const kib = (value: number) => `${(value / 1024).toFixed(0)} KiB`;
  console.log(
    `release health benchmark: ${SITES} sites, ${DAYS} days (${first} to ${today}), ${CHANGES} changed reports and ${DOWNLOADS} downloads a day; simulated in ${seedSeconds.toFixed(0)} s`,
  );
  console.log(
    `GET /stats/ (figures now):       median ${ms(now.median)}, p95 ${ms(now.p95)}, ${kib(now.bytes)} (${RUNS} runs)`,
  );
  console.log(`GET /stats/?from=&to= (30 days): median ${ms(month.median)}, p95 ${ms(month.p95)}, ${kib(month.bytes)}`);
  console.log(`GET /stats/?from=&to= (a year):  median ${ms(year.median)}, p95 ${ms(year.p95)}, ${kib(year.bytes)}`);
  console.log(
    `Durable Object storage: ${(storage.bytes / 1024 / 1024).toFixed(1)} MiB; rows: ${Object.entries(storage.rows)
      .map(([table, rows]) => `${table} ${rows}`)
      .join(", ")}`,
  );
} finally {
  await server.close();
  rmSync(work, { recursive: true, force: true });
}
