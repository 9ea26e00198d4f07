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

  it("are computed on the schedule from list pages into one record", async () => {
    for (const [site, version] of [
      ["s1", "1.4.0"],
      ["s2", "1.4.0"],
      ["s3", "1.2.0"],
    ] as const) {
      const key = await issueApiKey(site);
      expect((await register(key, { site_id: site, version, php_version: "8.3" })).status).toBe(201);
    }
    const context = createExecutionContext();
    await worker.scheduled(
      createScheduledController({ scheduledTime: Date.now(), cron: "*/15 * * * *" }),
      env as Env,
      context,
    );
    await waitOnExecutionContext(context);
    const record = (await env.INSTALLATIONS.get("stats:demo", "json")) as Record<string, unknown> | null;
    expect(record).toMatchObject({ slug: "demo", installations: 3, versions: { "1.4.0": 2, "1.2.0": 1 } });
    const served = await call("/api/plugins/demo/stats/", { headers: { authorization: "Bearer test-admin-token" } });
    expect(await served.json()).toEqual(record);
  });
});
