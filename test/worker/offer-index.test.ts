/**
 * Issue 12: check-update answers from the plugin's offer index (offers.json, a few KiB whatever
 * the number of releases), read once per isolate, and answers exactly as the Worker did from the
 * whole releases.json (test/support/releases-json-offer.ts keeps that decision as the reference).
 * Every request here goes to the Worker with its static assets wrapped, to see what it reads.
 */
import { createExecutionContext, waitOnExecutionContext } from "cloudflare:test";
import { env } from "cloudflare:workers";
import { describe, expect, it } from "vitest";
import type { CheckUpdateAnswer, ReleasesDocument } from "../../scripts/contract/index.ts";
import worker from "../../worker/src/index.ts";
import { releasesJsonAnswer } from "../support/releases-json-offer.ts";
import { ORIGIN } from "./helpers.ts";
import { VERBOSE_CHANGELOG, VERBOSE_REASON } from "./verbose-texts.ts";

const read: string[] = [];
const assets = {
  fetch(input: RequestInfo | URL, init?: RequestInit) {
    const request = new Request(input, init);
    read.push(new URL(request.url).pathname.slice(1));
    return env.ASSETS.fetch(request);
  },
  connect: env.ASSETS.connect.bind(env.ASSETS),
} as Fetcher;

let address = 0;
async function ask(pathAndQuery: string): Promise<{ status: number; text: string }> {
  const ctx = createExecutionContext();
  const response = await worker.fetch(
    new Request(`${ORIGIN}${pathAndQuery}`, {
      headers: { "cf-connecting-ip": `10.12.${Math.floor(address / 250)}.${address++ % 250}` },
    }) as Request<unknown, IncomingRequestCfProperties>,
    { ...env, ASSETS: assets },
    ctx,
  );
  const text = await response.text();
  await waitOnExecutionContext(ctx);
  return { status: response.status, text };
}

async function checkUpdate(
  slug: string,
  query: Record<string, string>,
): Promise<CheckUpdateAnswer & { bytes: number }> {
  const { status, text } = await ask(`/api/plugins/${slug}/check-update/?${new URLSearchParams(query)}`);
  expect(status, text).toBe(200);
  return { ...(JSON.parse(text) as CheckUpdateAnswer), bytes: new TextEncoder().encode(text).length };
}

describe("issue 12: check-update from the offer index", () => {
  it("reads offers.json once per isolate, deprecations.json only for a site on a withdrawn release, never releases.json", async () => {
    for (const current_version of ["1.1.0", "1.2.0", "1.4.0", "0.9.0", "2.0.0-beta.1"]) {
      for (const channel of ["stable", "beta"]) {
        await checkUpdate("demo", { current_version, channel, site_id: `s-${current_version}`, php_version: "8.3" });
      }
    }
    expect(read).toEqual(["plugins/demo/offers.json"]);
    const withdrawn = await checkUpdate("demo", { current_version: "1.0.0" });
    expect(withdrawn).toMatchObject({ current_deprecated: true, deprecation_reason: "Broke sites with old site ids." });
    await checkUpdate("demo", { current_version: "1.0.0", site_id: "another" });
    expect(read).toEqual(["plugins/demo/offers.json", "plugins/demo/deprecations.json"]);
  });

  it("answers as the releases.json-based decision did, for every version, channel, PHP and rollout id", async () => {
    let compared = 0;
    for (const slug of ["demo", "secret", "gone"]) {
      const releases = (await (
        await env.ASSETS.fetch(new Request(`https://assets.invalid/plugins/${slug}/releases.json`))
      ).json()) as ReleasesDocument;
      const versions = ["0.9.0", "9.0.0", ...releases.releases.map((release) => release.version)];
      for (const version of versions) {
        for (const channel of ["stable", "beta"] as const) {
          for (const php of [null, "7.4.33", "8.3.1"]) {
            for (const id of ["site-a", "site-b", "site-c"]) {
              const { bytes: _bytes, ...answer } = await checkUpdate(slug, {
                current_version: version,
                channel,
                site_id: id,
                ...(php ? { php_version: php } : {}),
              });
              const site = { version, channel, id, php, wp: null };
              expect(answer, `${slug} ${JSON.stringify(site)}`).toEqual(
                await releasesJsonAnswer(releases, site, { apiBase: `${ORIGIN}/api`, siteUrl: ORIGIN }),
              );
              compared += 1;
            }
          }
        }
      }
    }
    expect(compared).toBeGreaterThan(150);
    expect(read.filter((path) => path.endsWith("releases.json") && !path.startsWith("plugins/"))).toEqual([]);
    expect(read.some((path) => path.endsWith("/releases.json"))).toBe(false);
  });

  it("answers in under 1 KiB with a 60 KB changelog and a 4096-character reason, cut where a reader sees it", async () => {
    const answer = await checkUpdate("verbose", { current_version: "1.0.0", site_id: "site-a", php_version: "8.3" });
    expect(answer).toMatchObject({ update_available: true, latest_version: "1.1.0", current_deprecated: true });
    expect(answer.bytes).toBeLessThanOrEqual(1024);
    expect(answer.changelog.endsWith("…")).toBe(true);
    expect(VERBOSE_CHANGELOG.startsWith(answer.changelog.slice(0, -1))).toBe(true);
    expect(answer.changelog.length).toBeGreaterThan(100);
    expect(answer.deprecation_reason?.endsWith("…")).toBe(true);
    expect(VERBOSE_REASON.startsWith(answer.deprecation_reason?.slice(0, -1) ?? "x")).toBe(true);
    // The whole changelog is where it always was: the info document.
    const info = await ask("/api/plugins/verbose/info/");
    expect(JSON.parse(info.text).changelog).toBe(VERBOSE_CHANGELOG.trimEnd());
  });
});
