import { createExecutionContext, createScheduledController, waitOnExecutionContext } from "cloudflare:test";
import { env } from "cloudflare:workers";
import { describe, expect, it } from "vitest";
import worker, { type Env } from "../../worker/src/index.ts";
import { call, expectJsonError, issueApiKey, postJson } from "./helpers.ts";

// Storage is isolated per test file: the installations here are the only ones.
const register = (key: string, body: unknown) =>
  postJson("/api/plugins/demo/register/", body, { authorization: `Api-Key ${key}` });

describe("stats", () => {
  it("needs the admin token", async () => {
    await expectJsonError(await call("/api/plugins/demo/stats/"), 401, "unauthorized");
    await expectJsonError(
      await call("/api/plugins/demo/stats/", { headers: { authorization: "Bearer wrong" } }),
      403,
      "forbidden",
    );
  });

  it("issue 14 item 1: answer fresh figures at once, not a snapshot left by the schedule", async () => {
    const admin = { headers: { authorization: "Bearer test-admin-token" } };
    const sites = [
      ["s1", "1.4.0"],
      ["s2", "1.4.0"],
      ["s3", "1.2.0"],
      ["s4", "1.2.0"],
    ] as const;
    for (const [index, [site, version]] of sites.entries()) {
      const key = await issueApiKey(site);
      expect((await register(key, { site_id: site, version, php_version: "8.3" })).status).toBe(201);
      // Each answer counts every site registered so far.
      const answer = (await (await call("/api/plugins/demo/stats/", admin)).json()) as Record<string, unknown>;
      expect(answer).toMatchObject({ slug: "demo", installations: index + 1 });
    }
    // The schedule only opens the new day in each plugin's history: the figures stay the same.
    const context = createExecutionContext();
    await worker.scheduled(
      createScheduledController({ scheduledTime: Date.now(), cron: "*/15 * * * *" }),
      env as Env,
      context,
    );
    await waitOnExecutionContext(context);
    expect(await (await call("/api/plugins/demo/stats/", admin)).json()).toMatchObject({
      installations: 4,
      versions: { "1.4.0": 2, "1.2.0": 2 },
      php_versions: { "8.3": 4 },
    });
  });
});
