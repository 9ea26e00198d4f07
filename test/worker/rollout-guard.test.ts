/**
 * The rollout guard in the real runtime, on the fixture's `guarded` plugin (fixture-feed.ts):
 * 1.2.0 rolled out to 50% with a guard (more than 20 points above 1.1.0's error share, once 4
 * sites report). Sites report through health-check as the updater does; the guard is judged
 * in the plugin's history Durable Object on each report. Storage is isolated per test file
 * and the steps build on each other, so they run in order here.
 */
import { env } from "cloudflare:workers";
import { describe, expect, it, vi } from "vitest";
import {
  API_PATH,
  apiUrl,
  GEEKLOG_INDEX_PATH,
  type GeeklogIndex,
  geeklogPath,
  type PluginStats,
  ROLLOUT_REASON_MAX,
  type RolloutChangeAnswer,
  type RolloutHoldsDocument,
  type RolloutStatus,
  rolloutBucket,
} from "../../scripts/contract/index.ts";
import { HOLDS_CACHE_MS } from "../../worker/src/rollouts.ts";
import { GUARDED_RELEASES, GUARDED_SLUG } from "./guarded-plugin.ts";
import { call, expectJsonError, issueApiKey, postJson } from "./helpers.ts";

const { guarded: GUARDED, baseline: BASELINE, rollout: ROLLOUT } = GUARDED_RELEASES;
const admin = { authorization: "Bearer test-admin-token" };
const ROLLOUT_PATH = `/api/plugins/${GUARDED_SLUG}/rollout/`;

const keys = new Map<string, string>();
/** A site's health check, as the updater sends it: its version and, for a broken site, status "error". Returns its health. */
async function report(siteId: string, version: string, status: "ok" | "error"): Promise<string> {
  if (!keys.has(siteId)) keys.set(siteId, await issueApiKey(siteId, GUARDED_SLUG));
  const response = await postJson(
    `/api/plugins/${GUARDED_SLUG}/health-check/`,
    { site_id: siteId, version, status, php_version: "8.3" },
    { authorization: `Api-Key ${keys.get(siteId)}` },
  );
  expect(response.status, await response.clone().text()).toBe(200);
  return ((await response.json()) as { health: string }).health;
}

/** A site id inside (or outside) 1.2.0's 50% rollout. */
async function siteInRollout(inside: boolean, prefix: string): Promise<string> {
  for (let index = 0; ; index++) {
    const site = `${prefix}-${index}`;
    if ((await rolloutBucket(GUARDED_SLUG, GUARDED, `site:${site}`)) < ROLLOUT === inside) return site;
  }
}

async function offered(siteId: string, currentVersion: string): Promise<string | null> {
  const response = await call(
    `/api/plugins/${GUARDED_SLUG}/check-update/?current_version=${currentVersion}&php_version=8.3&site_id=${siteId}`,
  );
  expect(response.status).toBe(200);
  const body = (await response.json()) as { update_available: boolean; latest_version: string };
  return body.update_available ? body.latest_version : null;
}

async function held(): Promise<string[]> {
  const response = await call(ROLLOUT_PATH);
  expect(response.status).toBe(200);
  const body = (await response.json()) as RolloutHoldsDocument;
  expect(body.slug).toBe(GUARDED_SLUG);
  return body.held;
}

async function stats(): Promise<PluginStats> {
  const response = await call(`/api/plugins/${GUARDED_SLUG}/stats/`, { headers: admin });
  expect(response.status).toBe(200);
  return (await response.json()) as PluginStats;
}

async function rolloutOf(version: string): Promise<RolloutStatus | undefined> {
  return (await stats()).rollouts.find((status) => status.version === version);
}

function post(body: unknown, headers: Record<string, string> = admin): Promise<Response> {
  return postJson(ROLLOUT_PATH, body, headers);
}

async function change(body: unknown): Promise<RolloutChangeAnswer> {
  const response = await post(body);
  expect(response.status, await response.clone().text()).toBe(200);
  return (await response.json()) as RolloutChangeAnswer;
}

async function downloadedVersions(): Promise<Record<string, number>> {
  return (await stats()).downloads.by_version;
}

/** A package request: its status, and the file it served (content-disposition) or the error code. */
async function fetchPackage(path: string, init: RequestInit = {}): Promise<{ status: number; served: string }> {
  const response = await call(path, init);
  if (response.ok) {
    await response.arrayBuffer();
    return {
      status: response.status,
      served: /filename="([^"]+)"/.exec(response.headers.get("content-disposition") ?? "")?.[1] ?? "",
    };
  }
  const text = await response.text();
  return {
    status: response.status,
    served: text === "" ? "" : ((JSON.parse(text) as { error: { code: string } }).error.code ?? ""),
  };
}

const inside = await siteInRollout(true, "in");
const file = (version: string) => `/plugins/${GUARDED_SLUG}/${GUARDED_SLUG}-v${version}.zip`;

describe("issue 14 item 4: the rollout guard", () => {
  it("issue 14 item 4: lists the guarded rollout in /stats/, and waits while fewer than min_sites sites on it report", async () => {
    expect(await offered(inside, "1.0.0")).toBe(GUARDED);
    // The baseline: 10 sites on 1.1.0, one of them failing (10%).
    for (let index = 0; index < 10; index++) await report(`base-${index}`, BASELINE, index === 0 ? "error" : "ok");
    // Three sites on 1.2.0, every one failing: 100%, but the guard waits for 4.
    for (let index = 0; index < 3; index++) await report(`new-${index}`, GUARDED, "error");
    expect(await held()).toEqual([]);
    const status = await rolloutOf(GUARDED);
    expect(status).toMatchObject({
      channel: "stable",
      rollout: ROLLOUT,
      guard: { ...GUARDED_RELEASES.guard, baseline: BASELINE },
      state: "rolling",
      figures: { sites: 3, errors: 3, baseline_sites: 10, baseline_errors: 1 },
      judgement: { waiting: true, tripped: false, share: 100, baseline_share: 10 },
      halt: null,
      events: [],
    });
    // Only partial or guarded rollouts (and any with events) are listed: 1.1.0 and 1.0.0 go to everyone.
    expect((await stats()).rollouts.map((each) => each.version)).toEqual([GUARDED]);
  });

  it("issue 14 item 4: does not trip at exactly the rise the guard allows", async () => {
    // Two of the three recover and seven more sites take 1.2.0, healthy: 1 error of 10.
    for (let index = 1; index < 10; index++) await report(`new-${index}`, GUARDED, "ok");
    expect(await rolloutOf(GUARDED)).toMatchObject({
      figures: { sites: 10, errors: 1 },
      judgement: { tripped: false },
    });
    // Two of them fail: 3 errors of 10 is 30%, 20 points above 10%: allowed.
    for (let index = 8; index < 10; index++) await report(`new-${index}`, GUARDED, "error");
    expect(await held()).toEqual([]);
    expect(await rolloutOf(GUARDED)).toMatchObject({
      state: "rolling",
      figures: { sites: 10, errors: 3, baseline_sites: 10, baseline_errors: 1 },
      judgement: { waiting: false, tripped: false, share: 30, baseline_share: 10 },
    });
    expect(await offered(inside, "1.0.0")).toBe(GUARDED);
  });

  it("issue 14 item 4: trips when one more site on the release fails, and records why", async () => {
    const before = await downloadedVersions();
    await report("new-7", GUARDED, "error");
    expect(await held()).toEqual([GUARDED]);
    const status = await rolloutOf(GUARDED);
    const figures = { sites: 10, errors: 4, baseline_sites: 10, baseline_errors: 1 };
    expect(status).toMatchObject({ state: "halted", figures, judgement: { tripped: true, share: 40 } });
    expect(status?.halt).toMatchObject({ action: "halt", by: "guard", rollout: ROLLOUT, figures });
    expect(status?.halt?.reason).toBe(status?.judgement?.summary);
    expect(status?.halt?.reason).toBe(
      "1.2.0: error share 40% (4 of 10 sites) against 1.1.0: 10% (1 of 10 sites): more than the 20 points the guard allows",
    );
    expect(status?.events).toEqual([status?.halt]);
    // More failing reports do not halt it again.
    await report("new-6", GUARDED, "error");
    expect((await rolloutOf(GUARDED))?.events).toHaveLength(1);
    expect(await downloadedVersions()).toEqual(before);
  });

  it("issue 14 item 4: check-update offers a site in the rollout the older release instead", async () => {
    expect(await offered(inside, "1.0.0")).toBe(BASELINE);
    expect(await offered(inside, BASELINE)).toBeNull();
    const outside = await siteInRollout(false, "out");
    expect(await offered(outside, "1.0.0")).toBe(BASELINE);
  });

  it("issue 14 item 4: refuses the halted package (409 rollout_halted) to sites not on it, on every route, HEAD too", async () => {
    const before = await downloadedVersions();
    for (const path of [
      file(GUARDED),
      `${file(GUARDED)}?installed=${BASELINE}`,
      `/api/plugins/${GUARDED_SLUG}/download/?version=${GUARDED}`,
      `/api/plugins/${GUARDED_SLUG}/download/?version=${GUARDED}&installed=not-a-version`,
    ]) {
      await expectJsonError(await call(path), 409, "rollout_halted");
      expect(await fetchPackage(path, { method: "HEAD" }), path).toEqual({ status: 409, served: "" });
    }
    const response = await call(file(GUARDED));
    expect(((await response.json()) as { error: { message: string } }).error.message).toContain(
      "by its rollout guard: 1.2.0: error share 40%",
    );
    const apiKey = await issueApiKey("a-site", GUARDED_SLUG);
    await expectJsonError(
      await call(`/api/plugins/${GUARDED_SLUG}/download-url/?version=${GUARDED}`, {
        headers: { authorization: `Api-Key ${apiKey}` },
      }),
      409,
      "rollout_halted",
    );
    expect(
      await call(`/api/plugins/${GUARDED_SLUG}/download-url/?version=${GUARDED}&installed=${GUARDED}`, {
        headers: { authorization: `Api-Key ${apiKey}` },
      }).then((answer) => answer.status),
    ).toBe(200);
    // Nothing refused was counted.
    expect(await downloadedVersions()).toEqual(before);
  });

  it("issue 14 item 4: serves the halted package to a site already on it, and counts it", async () => {
    const before = await downloadedVersions();
    for (const path of [
      `${file(GUARDED)}?installed=${GUARDED}`,
      `/api/plugins/${GUARDED_SLUG}/download/?version=${GUARDED}&installed=1.2`,
    ])
      expect(await fetchPackage(path)).toEqual({ status: 200, served: `${GUARDED_SLUG}-v${GUARDED}.zip` });
    expect((await downloadedVersions())[GUARDED]).toBe((before[GUARDED] ?? 0) + 2);
  });

  it("issue 14 item 4: the latest package falls back to the newest stable release not halted", async () => {
    const before = await downloadedVersions();
    for (const path of [
      `/plugins/${GUARDED_SLUG}/${GUARDED_SLUG}-latest.zip`,
      `/api/plugins/${GUARDED_SLUG}/download/`,
    ])
      expect(await fetchPackage(path), path).toEqual({ status: 200, served: `${GUARDED_SLUG}-v${BASELINE}.zip` });
    const after = await downloadedVersions();
    expect(after[BASELINE]).toBe((before[BASELINE] ?? 0) + 2);
    expect(after[GUARDED]).toBe(before[GUARDED]);
  });

  it("issue 14 item 4: a halt by hand of a halted release changes nothing and says so", async () => {
    const answer = await change({ action: "halt", version: GUARDED, reason: "again" });
    expect(answer).toMatchObject({ slug: GUARDED_SLUG, version: GUARDED, changed: false, state: "halted" });
    expect(answer.message).toContain("already halted");
    expect(answer.events).toHaveLength(1);
  });

  it("issue 14 item 4: resume restores the rollout, and the guard stays disarmed on the same figures", async () => {
    const answer = await change({ action: "resume", version: GUARDED, reason: "fixed on the sites' side" });
    expect(answer).toMatchObject({
      changed: true,
      state: "resumed",
      halt: null,
      figures: { sites: 10, errors: 5, baseline_sites: 10, baseline_errors: 1 },
    });
    expect(answer.events[0]).toMatchObject({
      action: "resume",
      by: "manual",
      reason: "fixed on the sites' side",
      rollout: ROLLOUT,
    });
    expect(answer.message).toContain("guard stays disarmed until the rollout is raised above 50%");
    expect(await held()).toEqual([]);
    expect(await offered(inside, "1.0.0")).toBe(GUARDED);
    expect(await fetchPackage(file(GUARDED))).toEqual({ status: 200, served: `${GUARDED_SLUG}-v${GUARDED}.zip` });
    expect(await fetchPackage(`/plugins/${GUARDED_SLUG}/${GUARDED_SLUG}-latest.zip`)).toEqual({
      status: 200,
      served: `${GUARDED_SLUG}-v${GUARDED}.zip`,
    });
    // The figures that tripped it (worse now) do not trip it again.
    await report("new-5", GUARDED, "error");
    await report("new-4", GUARDED, "ok");
    expect(await held()).toEqual([]);
    expect(await rolloutOf(GUARDED)).toMatchObject({ state: "resumed", judgement: { tripped: true } });
    const again = await change({ action: "resume", version: GUARDED });
    expect(again).toMatchObject({ changed: false, state: "resumed" });
    expect(again.message).toBe("1.2.0 is not halted (resumed); nothing changed");
  });

  it("issue 14 item 4: halts and resumes by hand, with the reason given", async () => {
    const halted = await change({ action: "halt", version: BASELINE, reason: "support tickets about 1.1.0" });
    expect(halted).toMatchObject({ version: BASELINE, rollout: 100, guard: null, changed: true, state: "halted" });
    expect(halted.halt).toMatchObject({
      by: "manual",
      reason: "support tickets about 1.1.0",
      rollout: 100,
      figures: null,
    });
    expect(await held()).toEqual([BASELINE]);
    expect(await offered(inside, "1.0.0")).toBe(GUARDED);
    expect(await offered(await siteInRollout(false, "out"), "1.0.0")).toBeNull();
    await expectJsonError(await call(file(BASELINE)), 409, "rollout_halted");
    // Listed in /stats/ now that it has events.
    expect((await stats()).rollouts.map((each) => [each.version, each.state])).toEqual([
      [GUARDED, "resumed"],
      [BASELINE, "halted"],
    ]);
    // With 1.2.0 halted too, the latest package is the newest one left, 1.0.0, which no channel offers any more.
    await change({ action: "halt", version: GUARDED });
    expect(await held()).toEqual([GUARDED, BASELINE]);
    expect(await fetchPackage(`/plugins/${GUARDED_SLUG}/${GUARDED_SLUG}-latest.zip`)).toEqual({
      status: 200,
      served: `${GUARDED_SLUG}-v1.0.0.zip`,
    });
    await change({ action: "resume", version: GUARDED });
    // Resumed: with no guard to disarm, it is simply offered again.
    expect(await change({ action: "resume", version: "1.1" })).toMatchObject({ changed: true, state: "resumed" });
    expect(await held()).toEqual([]);
    expect((await fetchPackage(file(BASELINE))).status).toBe(200);
  });

  it("issue 14 item 4: a raised published rollout lifts a halt and arms the guard again", async () => {
    const history = env.DOWNLOAD_COUNTER.get(env.DOWNLOAD_COUNTER.idFromName(GUARDED_SLUG));
    await change({ action: "halt", version: GUARDED, reason: "by hand" });
    expect(await history.heldVersions([{ version: GUARDED, rollout: ROLLOUT }])).toEqual([GUARDED]);
    // What the Worker asks once a pull request raises the rollout to 60%: the halt made at 50% no longer holds.
    expect(await history.heldVersions([{ version: GUARDED, rollout: 60 }])).toEqual([]);
    expect(await history.heldVersions([{ version: GUARDED, rollout: 40 }])).toEqual([GUARDED]);
    await change({ action: "resume", version: GUARDED });
    // At 60% the resume's disarming no longer holds either: the next report trips the guard again, at 60%.
    const guard = { ...GUARDED_RELEASES.guard, baseline: BASELINE };
    const report = {
      siteId: "new-0",
      version: GUARDED,
      health: "error" as const,
      wpVersion: null,
      phpVersion: "8.3",
      registered: "2026-01-01",
    };
    const now = new Date().toISOString();
    expect(await history.recordReport(report, now, 30, [{ version: GUARDED, rollout: ROLLOUT, guard }])).toEqual([]);
    const halts = await history.recordReport(report, now, 30, [{ version: GUARDED, rollout: 60, guard }]);
    expect(halts).toMatchObject([{ version: GUARDED, action: "halt", by: "guard", rollout: 60 }]);
  });
});

describe("issue 14 item 4: health while a rollout is halted", () => {
  async function censusHealth(): Promise<Record<string, number>> {
    const response = await call(`/api/plugins/${GUARDED_SLUG}/stats/?refresh=1`, { headers: admin });
    return ((await response.json()) as PluginStats).census.health;
  }

  it("issue 14 item 4: a site held back from a halted release is healthy, not outdated, in its record and the census", async () => {
    // 1.2.0 is halted: the guard tripped again at 60% in the step before, which holds at the published 50%.
    expect(await held()).toEqual([GUARDED]);
    const site = await siteInRollout(true, "held-back");
    expect(await report(site, BASELINE, "ok")).toBe("healthy");
    const halted = await censusHealth();
    // The sites on 1.1.0 inside 1.2.0's rollout that do not report errors: outdated once it is offered again.
    const heldBack = [site];
    for (let index = 1; index < 10; index++) {
      if ((await rolloutBucket(GUARDED_SLUG, GUARDED, `site:base-${index}`)) < ROLLOUT) heldBack.push(`base-${index}`);
    }
    await change({ action: "resume", version: GUARDED });
    expect(await report(site, BASELINE, "ok")).toBe("outdated");
    const resumed = await censusHealth();
    expect(resumed.outdated).toBe((halted.outdated ?? 0) + heldBack.length);
    expect(resumed.healthy).toBe((halted.healthy ?? 0) - heldBack.length);
    expect(resumed.error).toBe(halted.error);
  });

  it("issue 14 item 4: the report that halts the last release a site could take counts that site healthy", async () => {
    // A plugin of its own in the history: 2.0.0 at 50% may not do worse than 1.0.0 at all.
    const history = env.DOWNLOAD_COUNTER.get(env.DOWNLOAD_COUNTER.idFromName("judged-reports"));
    const guarded = [
      { version: "2.0.0", rollout: 50, guard: { max_error_rise_points: 0, min_sites: 1, baseline: "1.0.0" } },
    ];
    const offers = [{ version: "2.0.0", rollout: 50 }];
    const now = new Date().toISOString();
    const site = (siteId: string, version: string, health: "healthy" | "error") => ({
      siteId,
      version,
      health,
      wpVersion: null,
      phpVersion: null,
      registered: now.slice(0, 10),
    });
    // Both fail: 100% against 100%, no rise.
    expect(await history.recordJudgedReport(site("old", "1.0.0", "error"), null, now, 30, guarded)).toEqual({
      health: "error",
      halts: [],
    });
    expect(await history.recordJudgedReport(site("new", "2.0.0", "error"), [], now, 30, guarded)).toEqual({
      health: "error",
      halts: [],
    });
    // The site on 1.0.0 recovers: 1.0.0 is at 0% now, so 2.0.0 trips, and the site, which only
    // 2.0.0 could update, is healthy.
    const recovered = await history.recordJudgedReport(site("old", "1.0.0", "healthy"), offers, now, 30, guarded);
    expect(recovered).toMatchObject({ health: "healthy", halts: [{ version: "2.0.0", by: "guard" }] });
    const fresh = await history.fresh(now, 30);
    expect(fresh.health_by_version["1.0.0"]).toEqual({ healthy: 1, outdated: 0, error: 0 });
    expect(fresh.health).toEqual({ healthy: 1, outdated: 0, error: 1 });
    // Its next report, the halt holding: healthy still; with 2.0.0 offered again, outdated.
    expect((await history.recordJudgedReport(site("old", "1.0.0", "healthy"), offers, now, 30, [])).health).toBe(
      "healthy",
    );
    await history.changeRollout(
      { action: "resume", version: "2.0.0", reason: "" },
      { version: "2.0.0", rollout: 50, channel: "stable", guard: null },
      now,
    );
    expect((await history.recordJudgedReport(site("old", "1.0.0", "healthy"), offers, now, 30, [])).health).toBe(
      "outdated",
    );
  });
});

describe("issue 14 item 4: a halt made by another isolate", () => {
  it(`issue 14 item 4: refuses the package at once, and reaches check-update and the holds list within ${HOLDS_CACHE_MS / 1000} s`, async () => {
    // This isolate has read the halts (1.2.0 resumed: offered).
    expect(await offered(inside, "1.0.0")).toBe(GUARDED);
    expect(await held()).toEqual([]);
    // Another isolate halts it: the plugin's history is all that changes.
    const history = env.DOWNLOAD_COUNTER.get(env.DOWNLOAD_COUNTER.idFromName(GUARDED_SLUG));
    await history.changeRollout(
      { action: "halt", version: GUARDED, reason: "elsewhere" },
      { version: GUARDED, rollout: ROLLOUT, channel: "stable", guard: null },
      new Date().toISOString(),
    );
    expect((await fetchPackage(file(GUARDED))).status).toBe(409);
    expect(await offered(inside, "1.0.0")).toBe(GUARDED);
    vi.useFakeTimers({ toFake: ["Date"] });
    try {
      vi.setSystemTime(Date.now() + HOLDS_CACHE_MS);
      expect(await offered(inside, "1.0.0")).toBe(BASELINE);
      expect(await held()).toEqual([GUARDED]);
    } finally {
      vi.useRealTimers();
    }
    await change({ action: "resume", version: GUARDED });
    expect(await offered(inside, "1.0.0")).toBe(GUARDED);
  });
});

describe("issue 14 item 4: the rollout action", () => {
  it("issue 14 item 4: GET is public and lists what is held", async () => {
    const response = await call("/api/plugins/demo/rollout/");
    expect(response.status).toBe(200);
    expect(await response.json()).toEqual({ slug: "demo", held: [] });
    await expectJsonError(await call("/api/plugins/nope/rollout/"), 404, "unknown_plugin");
    await expectJsonError(await call(ROLLOUT_PATH, { method: "PUT" }), 405, "method_not_allowed");
  });

  it("issue 14 item 4: POST needs the admin token", async () => {
    await expectJsonError(await post({ action: "halt", version: GUARDED }, {}), 401, "unauthorized");
    await expectJsonError(
      await post({ action: "halt", version: GUARDED }, { authorization: "Bearer wrong" }),
      403,
      "forbidden",
    );
  });

  it.each<[string, unknown, number, string, string]>([
    ["a body that is not JSON", "{halt", 400, "malformed_json", "not valid JSON"],
    ["no action", { version: GUARDED }, 400, "invalid_field", "action is required"],
    [
      "an unknown action",
      { action: "stop", version: GUARDED },
      400,
      "invalid_field",
      'action: "stop" is not one of halt, resume',
    ],
    ["no version", { action: "halt" }, 400, "invalid_field", "version is required"],
    [
      "a version that is not one",
      { action: "halt", version: "latest" },
      400,
      "invalid_version",
      '"latest" is not a version',
    ],
    [
      "a reason that is not text",
      { action: "halt", version: GUARDED, reason: 5 },
      400,
      "invalid_field",
      "reason: expected a string",
    ],
    [
      "a reason too long",
      { action: "halt", version: GUARDED, reason: "x".repeat(ROLLOUT_REASON_MAX + 1) },
      400,
      "invalid_field",
      `reason: ${ROLLOUT_REASON_MAX + 1} characters, at most ${ROLLOUT_REASON_MAX}`,
    ],
    ["a reason of two lines", { action: "halt", version: GUARDED, reason: "a\nb" }, 400, "invalid_field", "one line"],
    [
      "an unknown field",
      { action: "halt", version: GUARDED, reson: "typo" },
      400,
      "invalid_field",
      'unknown field "reson"',
    ],
    [
      "a release that is not published",
      { action: "halt", version: "9.9.9" },
      404,
      "no_release",
      "no published package 9.9.9",
    ],
  ])("issue 14 item 4: refuses %s with a JSON error", async (_name, body, status, code, message) => {
    const response = await post(body);
    expect(response.status).toBe(status);
    expect(response.headers.get("content-type")).toBe("application/json; charset=utf-8");
    expect(await response.json()).toEqual({ error: { code, message: expect.stringContaining(message) } });
  });

  it("issue 14 item 4: refuses a halt of an inactive plugin's release", async () => {
    await expectJsonError(
      await postJson("/api/plugins/gone/rollout/", { action: "halt", version: "1.0.0" }, admin),
      410,
      "plugin_inactive",
    );
  });

  it("issue 14 item 4: a partial rollout without a guard is listed in /stats/ too", async () => {
    const response = await call("/api/plugins/demo/stats/", { headers: admin });
    const rollouts = ((await response.json()) as PluginStats).rollouts;
    expect(rollouts).toEqual([
      {
        version: "1.3.0",
        channel: "stable",
        rollout: 30,
        guard: null,
        state: "rolling",
        figures: { sites: 0, errors: 0, baseline_sites: 0, baseline_errors: 0 },
        judgement: null,
        halt: null,
        events: [],
      },
    ]);
  });

  it("issue 14 item 4: a halted Geeklog release is not offered, and its download redirects to a package that refuses it", async () => {
    const index = (await (
      await env.ASSETS.fetch(new Request(`https://assets.invalid/${GEEKLOG_INDEX_PATH}`))
    ).json()) as GeeklogIndex;
    const upgrade = index.items.find((item) => item.kind === "upgrade" && item.version === "1.1.0");
    const first = index.listing.find((entry) => entry.geeklog_version === "1.0.0");
    if (!upgrade || !first) throw new Error("the fixture's Geeklog plugin has no 1.0.0 listing or 1.1.0 upgrade");
    // The client's check from a site on 1.0.0: serialize(array(id => array(version, count))).
    const installed = `a:1:{i:${first.id};a:2:{i:0;s:5:"1.0.0";i:1;s:1:"0";}}`;
    const check = async () =>
      (
        await call(`/${geeklogPath("check")}?cmd=2`, {
          method: "POST",
          headers: { "content-type": "application/x-www-form-urlencoded" },
          body: `REPOSITORY_ARRAY_PATCHES=${encodeURIComponent(installed)}`,
        })
      ).text();
    expect(await check()).toContain(`<upgrade_id>${upgrade.id}</upgrade_id>`);
    const rollout = (action: string) =>
      postJson(
        apiUrl(API_PATH, upgrade.slug, "rollout"),
        { action, version: "1.1.0", reason: "Geeklog sites report a broken upgrade" },
        admin,
      );
    expect((await rollout("halt")).status).toBe(200);
    expect(await check()).toBe('<?xml version="1.0" encoding="UTF-8"?>\n<repository>\n</repository>\n');
    const redirect = await call(`/${geeklogPath("upgrade")}?pid=${upgrade.id}`, { redirect: "manual" });
    expect(redirect.status).toBe(302);
    const location = new URL(redirect.headers.get("location") ?? "");
    await expectJsonError(await call(`${location.pathname}${location.search}`), 409, "rollout_halted");
    expect((await rollout("resume")).status).toBe(200);
    expect(await check()).toContain(`<upgrade_id>${upgrade.id}</upgrade_id>`);
    expect((await fetchPackage(`${location.pathname}${location.search}`)).status).toBe(200);
  });
});
