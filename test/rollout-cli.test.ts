/**
 * `feedwright rollout halt|resume` and `feedwright stats` against `npm run dev` (wrangler's
 * local runtime, local Durable Objects) serving the example feed: a halt by hand stops the
 * offer and the package for sites not on the release, stats shows it, resume restores it.
 */
import { execFile } from "node:child_process";
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import { promisify } from "node:util";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { renderRollouts } from "../scripts/commands/stats.ts";
import type { PluginStats, RolloutChangeAnswer, RolloutHoldsDocument } from "../scripts/contract/index.ts";
import { type DevWorker, startDevWorker } from "./support/dev-worker.ts";
import { TEST_ENV } from "./support/scratch-repo.ts";

const ROOT = path.resolve(import.meta.dirname, "..");
const CLI = path.join(ROOT, "scripts/bin/feedwright.js");
const ADMIN_TOKEN = `rollout-${Math.random().toString(36).slice(2)}`;
const SLUG = "igny8-wp-bridge";
// The example's latest stable, rolled out to every site; 1.1.1 is the stable release before it.
const LATEST = "1.2.0";
const BEFORE = "1.1.1";
const REASON = "checkout pages fail on PHP 8.1";

let work: string;
let server: DevWorker | null = null;
const base = () => server?.base ?? "";

function feedwright(args: string[], env: NodeJS.ProcessEnv = { ...TEST_ENV, ADMIN_TOKEN }) {
  return promisify(execFile)(process.execPath, [CLI, ...args], { cwd: ROOT, env, encoding: "utf8" }).then(
    (result) => ({ code: 0, ...result }),
    (error: { code: number; stdout: string; stderr: string }) => error,
  );
}

async function offered(currentVersion: string): Promise<string | null> {
  const response = await fetch(`${base()}/api/plugins/${SLUG}/check-update/?current_version=${currentVersion}`);
  expect(response.status).toBe(200);
  const body = (await response.json()) as { update_available: boolean; latest_version: string };
  return body.update_available ? body.latest_version : null;
}

/** The package a request gets: its file name, or the error code it is refused with. */
async function fetchPackage(pathAndQuery: string): Promise<string> {
  const response = await fetch(`${base()}${pathAndQuery}`);
  if (response.ok) {
    await response.arrayBuffer();
    return /filename="([^"]+)"/.exec(response.headers.get("content-disposition") ?? "")?.[1] ?? "";
  }
  return `${response.status} ${((await response.json()) as { error: { code: string } }).error.code}`;
}

const rolloutArgs = (action: string, ...more: string[]) => ["rollout", action, SLUG, LATEST, "--url", base(), ...more];

beforeAll(async () => {
  work = mkdtempSync(path.join(tmpdir(), "feedwright-rollout-"));
  server = await startDevWorker({
    root: ROOT,
    out: path.join(work, "dist"),
    persistTo: path.join(work, "state"),
    adminToken: ADMIN_TOKEN,
  });
}, 240_000);

afterAll(async () => {
  await server?.stop();
  rmSync(work, { recursive: true, force: true });
});

describe("issue 14 item 4: feedwright rollout against npm run dev", () => {
  it("issue 14 item 4: rollout halt stops the offer and the package for sites not on it, and stats says why", async () => {
    expect(await offered("1.1.0")).toBe(LATEST);
    const halted = await feedwright(rolloutArgs("halt", "--reason", REASON));
    expect(halted.code, halted.stderr).toBe(0);
    expect(halted.stdout).toContain(`${SLUG} ${LATEST} halted: check-update offers it to no site`);
    expect(halted.stdout).toContain(`${LATEST} halted `);
    expect(halted.stdout).toContain(`by hand at 100%: ${REASON}`);

    expect(await offered("1.1.0")).toBeNull();
    const holds = (await (await fetch(`${base()}/api/plugins/${SLUG}/rollout/`)).json()) as RolloutHoldsDocument;
    expect(holds).toEqual({ slug: SLUG, held: [LATEST] });
    const file = `/plugins/${SLUG}/${SLUG}-v${LATEST}.zip`;
    expect(await fetchPackage(file)).toBe("409 rollout_halted");
    expect(await fetchPackage(`/api/plugins/${SLUG}/download/?version=${LATEST}`)).toBe("409 rollout_halted");
    expect(await fetchPackage(`${file}?installed=${LATEST}`)).toBe(`${SLUG}-v${LATEST}.zip`);
    expect(await fetchPackage(`/plugins/${SLUG}/${SLUG}-latest.zip`)).toBe(`${SLUG}-v${BEFORE}.zip`);

    const json = await feedwright(["stats", SLUG, "--url", base(), "--json"]);
    expect(json.code, json.stderr).toBe(0);
    const stats = JSON.parse(json.stdout) as PluginStats;
    expect(stats.rollouts).toHaveLength(1);
    expect(stats.rollouts[0]).toMatchObject({
      version: LATEST,
      channel: "stable",
      rollout: 100,
      guard: null,
      state: "halted",
      halt: { action: "halt", by: "manual", reason: REASON, rollout: 100, figures: null },
    });
    const text = await feedwright(["stats", SLUG, "--url", base()]);
    expect(text.code, text.stderr).toBe(0);
    expect(text.stdout).toMatch(
      /^ {2}version +channel +rollout +state +guard +errors on it +errors on baseline +verdict$/m,
    );
    expect(text.stdout).toMatch(/^ {2}1\.2\.0 +stable +100% +halted +none +0 of 0 +- +-$/m);
    expect(text.stdout).toMatch(new RegExp(`^ {2}1\\.2\\.0 halted \\S+ by hand at 100%: ${REASON}$`, "m"));
  });

  it("issue 14 item 4: halting a halted release changes nothing, says so, and exits 0", async () => {
    const again = await feedwright(rolloutArgs("halt", "--json"));
    expect(again.code, again.stderr).toBe(0);
    const answer = JSON.parse(again.stdout) as RolloutChangeAnswer;
    expect(answer).toMatchObject({ slug: SLUG, version: LATEST, changed: false, state: "halted" });
    expect(answer.message).toContain(`${LATEST} was already halted (since `);
    expect(answer.events).toHaveLength(1);
  });

  it("issue 14 item 4: rollout resume restores the offer and the package; stats shows it resumed", async () => {
    const resumed = await feedwright(rolloutArgs("resume", "--reason", "fixed by the host"));
    expect(resumed.code, resumed.stderr).toBe(0);
    expect(resumed.stdout).toContain(`${SLUG} ${LATEST} resumed: offered again to its 100% rollout`);
    expect(await offered("1.1.0")).toBe(LATEST);
    expect(await fetchPackage(`/plugins/${SLUG}/${SLUG}-v${LATEST}.zip`)).toBe(`${SLUG}-v${LATEST}.zip`);
    expect(await fetchPackage(`/plugins/${SLUG}/${SLUG}-latest.zip`)).toBe(`${SLUG}-v${LATEST}.zip`);
    const text = await feedwright(["stats", SLUG, "--url", base()]);
    expect(text.stdout).toMatch(/^ {2}1\.2\.0 +stable +100% +resumed +none /m);
    expect(text.stdout).toMatch(new RegExp(`^ {2}1\\.2\\.0 last halted \\S+ by hand at 100%: ${REASON}$`, "m"));
    expect(text.stdout).toMatch(/^ {2}1\.2\.0 resumed \S+ by hand at 100%: fixed by the host$/m);
    const again = await feedwright(rolloutArgs("resume"));
    expect(again.code).toBe(0);
    expect(again.stdout).toContain(`${LATEST} is not halted (resumed); nothing changed`);
  });

  it("issue 14 item 4: says what the Worker refused, with exit 1, and refuses bad usage with exit 2", async () => {
    const unknown = await feedwright(["rollout", "halt", SLUG, "9.9.9", "--url", base(), "--json"]);
    expect(unknown.code).toBe(1);
    expect(unknown.stderr).toContain(`404 (no_release): no published package 9.9.9 of "${SLUG}"`);
    expect(JSON.parse(unknown.stdout)).toMatchObject({ ok: false, error: { exit_code: 1 } });
    const twoLines = await feedwright(rolloutArgs("halt", "--reason", "one\ntwo"));
    expect(twoLines.code).toBe(1);
    expect(twoLines.stderr).toContain("400 (invalid_field): reason: one line of text");
    const wrong = await feedwright(rolloutArgs("halt"), { ...TEST_ENV, ADMIN_TOKEN: "wrong-token" });
    expect(wrong.code).toBe(1);
    expect(wrong.stderr).toContain("403 (forbidden): wrong admin token");
    const { ADMIN_TOKEN: _unused, ...without } = { ...TEST_ENV, ADMIN_TOKEN: "" };
    const missing = await feedwright(rolloutArgs("halt"), without);
    expect(missing.code).toBe(1);
    expect(missing.stderr).toContain("ADMIN_TOKEN is not set");
    for (const args of [
      rolloutArgs("halt", "--token", ADMIN_TOKEN),
      rolloutArgs("halt", "--reason", "x".repeat(501)),
      ["rollout", "pause", SLUG, LATEST, "--url", base()],
      ["rollout", "halt", "Not A Slug", LATEST, "--url", base()],
      ["rollout", "halt", SLUG, LATEST, "--url", `${base()}/api`],
    ]) {
      const refused = await feedwright(args);
      expect(refused.code, args.join(" ")).toBe(2);
    }
    // None of it halted anything.
    expect(await offered("1.1.0")).toBe(LATEST);
  });
});

describe("issue 14 item 4: feedwright stats prints a guarded rollout", () => {
  it("issue 14 item 4: the guard, the error shares it compares, its verdict and the halt's reason", () => {
    const guard = { max_error_rise_points: 20, min_sites: 4, baseline: "1.1.0" };
    const figures = { sites: 10, errors: 4, baseline_sites: 10, baseline_errors: 1 };
    const reason =
      "1.2.0: error share 40% (4 of 10 sites) against 1.1.0: 10% (1 of 10 sites): more than the 20 points the guard allows";
    const halt = { at: "2026-03-02T10:00:00.000Z", version: "1.2.0", action: "halt" as const, by: "guard" as const };
    const lines = renderRollouts([
      {
        version: "1.2.0",
        channel: "stable",
        rollout: 50,
        guard,
        state: "halted",
        figures,
        judgement: { waiting: false, tripped: true, share: 40, baseline_share: 10, summary: reason },
        halt: { ...halt, reason, rollout: 50, figures },
        events: [{ ...halt, reason, rollout: 50, figures }],
      },
      {
        version: "1.1.0",
        channel: "stable",
        rollout: 30,
        guard: { ...guard, baseline: "1.0.0" },
        state: "rolling",
        figures: { sites: 3, errors: 3, baseline_sites: 0, baseline_errors: 0 },
        judgement: { waiting: true, tripped: false, share: 100, baseline_share: 0, summary: "waiting" },
        halt: null,
        events: [],
      },
    ]);
    expect(lines).toEqual([
      "rollouts",
      [
        "  version  channel  rollout  state    guard                    errors on it   errors on baseline    verdict",
        "  1.2.0    stable   50%      halted   +20 points once 4 sites  4 of 10 (40%)  1.1.0: 1 of 10 (10%)  over the limit",
        "  1.1.0    stable   30%      rolling  +20 points once 4 sites  3 of 3 (100%)  1.0.0: 0 of 0         waiting (3 of 4 sites)",
      ].join("\n"),
      `  1.2.0 halted 2026-03-02T10:00:00.000Z by the guard at 50%: ${reason}`,
      "  waiting",
    ]);
    expect(renderRollouts([])).toEqual(["rollouts: none partial, guarded or halted"]);
  });
});
