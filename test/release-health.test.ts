/**
 * Release health against `npm run dev -- --dev-clock` (wrangler's local runtime, local KV and
 * Durable Objects): a few hundred simulated sites over simulated days, then /stats/ history and
 * `feedwright stats` checked against the figures worked out from what the sites sent.
 */
import { execFile } from "node:child_process";
import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import { promisify } from "node:util";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { type DevWorker, startDevWorker } from "./support/dev-worker.ts";
import { TEST_ENV } from "./support/scratch-repo.ts";
import {
  dayAfter,
  type ExpectedDay,
  SIMULATED_SLUG,
  type SimulatedSite,
  simulate,
  simulatedSites,
} from "./support/simulated-sites.ts";

const ROOT = path.resolve(import.meta.dirname, "..");
const CLI = path.join(ROOT, "scripts/bin/feedwright.js");
const ADMIN_TOKEN = `health-${Math.random().toString(36).slice(2)}`;
const SITES = 300;
const DAYS = 7;
// The simulated days end yesterday, so `feedwright stats` (which cannot set the time) reads them
// within the installations' 30 days.
const FIRST_DAY = dayAfter(new Date().toISOString().slice(0, 10), -DAYS);

let work: string;
let server: DevWorker | null = null;
let sites: SimulatedSite[];

function feedwright(args: string[], env: NodeJS.ProcessEnv = TEST_ENV) {
  return promisify(execFile)(process.execPath, [CLI, ...args], { cwd: ROOT, env, encoding: "utf8" }).then(
    (result) => ({ code: 0, ...result }),
    (error: { code: number; stdout: string; stderr: string }) => error,
  );
}

beforeAll(async () => {
  work = mkdtempSync(path.join(tmpdir(), "feedwright-health-"));
  sites = simulatedSites(SITES);
  const file = path.join(work, "sites.json");
  writeFileSync(file, JSON.stringify(sites.map(({ site_id, api_key, slug }) => ({ site_id, api_key, slug }))));
  const imported = await feedwright(["sites", "import", file, "--persist-to", path.join(work, "state")]);
  expect(imported.code, imported.stderr).toBe(0);
  server = await startDevWorker({
    root: ROOT,
    out: path.join(work, "dist"),
    persistTo: path.join(work, "state"),
    adminToken: ADMIN_TOKEN,
    args: ["--dev-clock"],
  });
}, 240_000);

afterAll(async () => {
  await server?.stop();
  rmSync(work, { recursive: true, force: true });
});

describe("issue 14 item 1: simulated sites over simulated days", () => {
  let expected: ExpectedDay[];

  it(`issue 14 item 1: ${SITES} sites over ${DAYS} days through npm run dev give exact /stats/ history`, async () => {
    const started = Date.now();
    const run = await simulate(server?.base ?? "", sites, FIRST_DAY, DAYS);
    expected = run.expected;
    const lastDay = expected.at(-1)?.day ?? "";
    const response = await fetch(
      `${server?.base}/api/plugins/${SIMULATED_SLUG}/stats/?from=${FIRST_DAY}&to=${lastDay}`,
      { headers: { authorization: `Bearer ${ADMIN_TOKEN}`, "x-feedwright-now": `${lastDay}T23:00:00Z` } },
    );
    expect(response.status).toBe(200);
    const stats = (await response.json()) as { history: { days: ExpectedDay[] } } & ExpectedDay;
    expect(stats.history.days).toHaveLength(DAYS);
    for (const [index, day] of stats.history.days.entries()) {
      const want = expected[index] as ExpectedDay;
      expect(day, want.day).toMatchObject({
        ...want,
        downloads: {
          total: want.downloads.total,
          by_kind: want.downloads.by_kind,
          by_version: want.downloads.by_version,
        },
      });
    }
    // The figures now are the last day's, and every download of the run is counted.
    const last = expected.at(-1) as ExpectedDay;
    expect(stats).toMatchObject({
      installations: SITES,
      versions: last.versions,
      health: last.health,
      health_by_version: last.health_by_version,
    });
    const downloads = expected.reduce((sum, day) => sum + day.downloads.total, 0);
    expect((stats as unknown as { downloads: { total: number } }).downloads.total).toBe(downloads);
    // Both kinds happened, and sites on the latest release and behind it, healthy and failing.
    expect(last.downloads.by_kind.auto_update).toBeGreaterThan(0);
    expect(last.health.error).toBeGreaterThan(0);
    expect(last.health.outdated).toBeGreaterThan(0);
    console.log(
      `issue 14 item 4: ${SITES} sites, ${DAYS} days, ${run.requests} requests in ${((Date.now() - started) / 1000).toFixed(1)} s`,
    );
  });

  it("issue 14 item 3: feedwright stats prints the same figures, as JSON and as tables", async () => {
    const lastDay = expected.at(-1)?.day ?? "";
    const args = ["stats", SIMULATED_SLUG, "--url", server?.base ?? "", "--from", FIRST_DAY, "--to", lastDay];
    const env = { ...TEST_ENV, ADMIN_TOKEN };
    const json = await feedwright([...args, "--json"], env);
    expect(json.code, json.stderr).toBe(0);
    const answer = JSON.parse(json.stdout) as { history: { days: ExpectedDay[] }; census: { installations: number } };
    expect(answer.history.days.map((day) => [day.day, day.installations, day.registrations, day.health])).toEqual(
      expected.map((day) => [day.day, day.installations, day.registrations, day.health]),
    );
    expect(answer.census.installations).toBe(SITES);

    const text = await feedwright(args, env);
    expect(text.code, text.stderr).toBe(0);
    for (const day of expected) {
      const row = [
        day.day,
        day.installations,
        day.registrations,
        day.health.healthy,
        day.health.outdated,
        day.health.error,
        day.downloads.total,
        day.downloads.by_kind.auto_update,
        day.downloads.by_kind.manual,
      ].join("\\s+");
      expect(text.stdout).toMatch(new RegExp(`^  ${row}\\s`, "m"));
    }
    expect(text.stdout).toContain(`installations ${SITES}`);
  });

  it("issue 14 item 3: feedwright stats takes the token only from the environment and says what the Worker refused", async () => {
    const base = ["stats", SIMULATED_SLUG, "--url", server?.base ?? ""];
    const { ADMIN_TOKEN: _unused, ...without } = { ...TEST_ENV, ADMIN_TOKEN: "" };
    const missing = await feedwright(base, without);
    expect(missing.code).toBe(1);
    expect(missing.stderr).toContain("ADMIN_TOKEN is not set");
    const onCommandLine = await feedwright([...base, "--token", ADMIN_TOKEN], { ...TEST_ENV, ADMIN_TOKEN });
    expect(onCommandLine.code).toBe(2);
    const wrong = await feedwright([...base, "--json"], { ...TEST_ENV, ADMIN_TOKEN: "wrong-token" });
    expect(wrong.code).toBe(1);
    expect(wrong.stderr).toContain("403 (forbidden): wrong admin token");
    expect(JSON.parse(wrong.stdout)).toMatchObject({ ok: false });
    const badRange = await feedwright([...base, "--from", "2026-06-01", "--to", "2025-01-01"], {
      ...TEST_ENV,
      ADMIN_TOKEN,
    });
    expect(badRange.code).toBe(1);
    expect(badRange.stderr).toContain("400 (invalid_field): from (2026-06-01) is after to (2025-01-01)");
  });
});
