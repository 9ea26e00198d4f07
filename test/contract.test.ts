/**
 * The contract's pure functions, directly and fast. Each expected value is computed here
 * another way (node:crypto, written-out strings), not by the function under test.
 */
import { createHash, createHmac } from "node:crypto";
import { mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import { describe, expect, it, onTestFinished } from "vitest";
import {
  ANY_SLUG,
  API_ERROR_CODES,
  API_KEY_PATTERN,
  apiKeyEntry,
  apiKeyStorageKey,
  apiUrl,
  bucketOfDigest,
  type Channel,
  channelSees,
  checkUpdateFileName,
  decideOffer,
  downloadSignatureMessage,
  downloadUrl,
  excerptText,
  FILES_OUTSIDE_MANIFEST,
  type GuardFigures,
  guardBaseline,
  haltHolds,
  infoFileName,
  infoUrl,
  inRollout,
  isSlug,
  jsonTextBytes,
  judgeGuard,
  latestPackageFileName,
  normaliseVersion,
  OFFER_INDEX_LIMITS,
  type OfferGuard,
  offerIndexOf,
  type PublishedRelease,
  packageFileName,
  pluginFilePath,
  pluginFolder,
  REPORTED_VERSION_PATTERN,
  type ReleasesDocument,
  renderCheckUpdateAnswer,
  rolloutBucket,
  rolloutBucketMessage,
  rolloutBucketsFor,
  rolloutSiteKey,
  SITE_ID_PATTERN,
  type SiteFacts,
  signDownload,
  signedDownloadQuery,
  signedDownloadUrl,
  staticUrl,
  versionedFilePrefix,
} from "../scripts/contract/index.ts";
import { DEMO_PLUGIN_YAML } from "./support/demo-plugin.ts";
import { runFeedwright } from "./support/run-cli.ts";

const sha256 = (text: string) => createHash("sha256").update(text).digest();

/** The bucket as the PHP updater and the fixture feed compute it: first 4 bytes, big-endian, mod 100. */
function independentBucket(slug: string, version: string, siteKey: string): number {
  return sha256(`${slug}\n${version}\n${siteKey}`).readUInt32BE(0) % 100;
}

describe("the rollout bucket", () => {
  const cases = [
    ["demo", "1.3.0", "site:site-0"],
    ["demo", "1.3.0", "site:site-1"],
    ["igny8-wp-bridge", "1.2.0", "site:wp-outside-7"],
    ["igny8-wp-bridge", "2.0.0-beta.1", "ip:203.0.113.9"],
    ["x", "0.0.1", "site:"],
  ] as const;

  it.each(cases)("%s %s %s: SHA-256 of slug, version and site key, first 4 bytes mod 100", async (slug, v, key) => {
    expect(await rolloutBucket(slug, v, key)).toBe(independentBucket(slug, v, key));
  });

  it("spreads sites over every bucket", async () => {
    const buckets = new Set<number>();
    for (let index = 0; index < 2000; index++) buckets.add(await rolloutBucket("demo", "1.0.0", `site:${index}`));
    expect(buckets.size).toBe(100);
    expect(Math.min(...buckets)).toBe(0);
    expect(Math.max(...buckets)).toBe(99);
  });

  it("keys a site by its id, else by its address", () => {
    expect(rolloutSiteKey({ siteId: "abc" })).toBe("site:abc");
    expect(rolloutSiteKey({ address: "203.0.113.9" })).toBe("ip:203.0.113.9");
    expect(rolloutBucketMessage("demo", "1.3.0", "site:abc")).toBe("demo\n1.3.0\nsite:abc");
  });

  it("reads the digest big-endian, larger than 2^31 included", () => {
    expect(bucketOfDigest(new Uint8Array([0, 0, 0, 7, 255]))).toBe(7);
    expect(bucketOfDigest(new Uint8Array([0xff, 0xff, 0xff, 0xff]))).toBe(4294967295 % 100);
    expect(bucketOfDigest(new Uint8Array([0x80, 0, 0, 1]))).toBe((2 ** 31 + 1) % 100);
  });

  it("offers a partial rollout to the buckets below its percentage", () => {
    expect([inRollout(30, 29), inRollout(30, 30), inRollout(100, 99), inRollout(1, 0), inRollout(1, 1)]).toEqual([
      true,
      false,
      true,
      true,
      false,
    ]);
  });
});

describe("issue 14: the rollout guard's verdict (judgeGuard)", () => {
  const guard = { max_error_rise_points: 5, min_sites: 20, baseline: "1.1.0" };
  const figures = (errors: number, sites: number, baseline_errors: number, baseline_sites: number) => ({
    errors,
    sites,
    baseline_errors,
    baseline_sites,
  });

  it("trips only on more than the allowed points above the baseline, as the README's example says", () => {
    expect(judgeGuard("1.2.0", guard, figures(6, 100, 1, 100))).toMatchObject({ waiting: false, tripped: false });
    expect(judgeGuard("1.2.0", guard, figures(7, 100, 1, 100))).toMatchObject({
      tripped: true,
      share: 7,
      baseline_share: 1,
      summary:
        "1.2.0: error share 7% (7 of 100 sites) against 1.1.0: 1% (1 of 100 sites): more than the 5 points the guard allows",
    });
    // Exactly at the limit, where floating point is not: 7% − 2% computes as 5.000000000000001,
    // and 33% − 4% against 29 points as more than 0.29.
    expect(judgeGuard("1.2.0", guard, figures(7, 100, 2, 100)).tripped).toBe(false);
    const points29 = { ...guard, max_error_rise_points: 29 };
    expect(judgeGuard("1.2.0", points29, figures(33, 100, 4, 100)).tripped).toBe(false);
    expect(judgeGuard("1.2.0", points29, figures(34, 100, 4, 100)).tripped).toBe(true);
  });

  it("waits for min_sites, and compares a release without a baseline with 0%", () => {
    expect(judgeGuard("1.2.0", guard, figures(19, 19, 0, 100))).toMatchObject({ waiting: true, tripped: false });
    const first = { ...guard, baseline: null };
    expect(judgeGuard("1.0.0", first, figures(1, 20, 0, 0))).toMatchObject({ tripped: false, baseline_share: 0 });
    expect(judgeGuard("1.0.0", first, figures(2, 20, 0, 0)).tripped).toBe(true);
  });
});

describe("the download URL signature", () => {
  it("signs slug, version and expiry, one per line, with HMAC-SHA-256", async () => {
    expect(downloadSignatureMessage("secret", "1.0.0", 1767225600)).toBe("secret\n1.0.0\n1767225600");
    const expected = createHmac("sha256", "k3y").update("secret\n1.0.0\n1767225600").digest("hex");
    expect(await signDownload("k3y", "secret", "1.0.0", 1767225600)).toBe(expected);
  });

  it("gives `feedwright sign-url` the URL the Worker checks: HMAC over slug, version and expiry", async () => {
    // sign-url signs only a release its tree packages: a private plugin with a beta 1.0.0+build.5.
    const root = mkdtempSync(path.join(tmpdir(), "feedwright-sign-url-"));
    onTestFinished(() => rmSync(root, { recursive: true, force: true }));
    mkdirSync(path.join(root, "releases", "secret"), { recursive: true });
    writeFileSync(
      path.join(root, "releases", "secret", "plugin.yaml"),
      `${DEMO_PLUGIN_YAML.replace("slug: demo", "slug: secret")}private: true\n`,
    );
    writeFileSync(
      path.join(root, "releases", "secret", "1.0.0+build.5.yaml"),
      'version: "1.0.0+build.5"\nstatus: testing\nchangelog: A beta.\n',
    );
    const env = { ...process.env, DOWNLOAD_URL_KEY: "test-download-url-key" };
    const args = ["sign-url", "secret", "--version", "1.0.0+build.5", "--base", "https://updates.example.com/"];
    const before = Math.floor(Date.now() / 1000);
    const result = await runFeedwright([...args, "--ttl", "600"], { cwd: root, env });
    expect(result.stderr).toBe("");
    expect(result.code).toBe(0);
    const url = new URL(result.stdout.trim());
    const expires = Number(url.searchParams.get("expires"));
    expect(expires - before).toBeGreaterThanOrEqual(600);
    expect(expires - before).toBeLessThanOrEqual(602);
    const signature = createHmac("sha256", env.DOWNLOAD_URL_KEY)
      .update(`secret\n1.0.0+build.5\n${expires}`)
      .digest("hex");
    expect(result.stdout).toBe(
      `https://updates.example.com/api/plugins/secret/download/?version=1.0.0%2Bbuild.5&expires=${expires}&signature=${signature}\n`,
    );
    const input = { slug: "secret", version: "1.0.0+build.5", expires, key: env.DOWNLOAD_URL_KEY };
    expect(await signedDownloadUrl({ ...input, apiBase: "https://updates.example.com/api" })).toBe(url.href);
    expect(signedDownloadQuery("1.0.0", 5, "ab")).toBe("?version=1.0.0&expires=5&signature=ab");
  });
});

describe("the API-key storage rule", () => {
  it("stores a key under the first 16 hex digits of its SHA-256, never the key", async () => {
    const key = "fw_example-key-123";
    const hex = createHash("sha256").update(key).digest("hex");
    expect(await apiKeyStorageKey(key)).toBe(`apikey:${hex.slice(0, 16)}`);
    const entry = await apiKeyEntry(key, { site_id: "site-1", slug: ANY_SLUG, created_at: "2026-01-01T00:00:00Z" });
    expect(entry).toEqual({
      key: `apikey:${hex.slice(0, 16)}`,
      record: { sha256: hex, site_id: "site-1", slug: "*", created_at: "2026-01-01T00:00:00Z" },
      metadata: { site_id: "site-1", slug: "*", created_at: "2026-01-01T00:00:00Z" },
    });
    expect(Object.keys(entry.record)).toEqual(["sha256", "site_id", "slug", "created_at"]);
    expect(JSON.stringify(entry)).not.toContain(key);
  });
});

describe("paths and URLs", () => {
  it("names every published file of a plugin", () => {
    expect(pluginFolder("demo")).toBe("plugins/demo");
    expect(pluginFilePath("demo", "releases.json")).toBe("plugins/demo/releases.json");
    expect(packageFileName("demo", "1.2.0-beta.1")).toBe("demo-v1.2.0-beta.1.zip");
    expect(versionedFilePrefix("demo")).toBe("demo-v");
    expect(latestPackageFileName("demo")).toBe("demo-latest.zip");
    expect(infoFileName("stable")).toBe("info.json");
    expect(infoFileName("beta")).toBe("info-beta.json");
    expect(checkUpdateFileName("stable")).toBe("check-update.json");
    expect(checkUpdateFileName("beta")).toBe("check-update-beta.json");
    expect(FILES_OUTSIDE_MANIFEST).toEqual(["feed.json", "feed.json.sig", "manifest.json"]);
  });

  it("builds static and API URLs with the trailing slash the original API has", () => {
    expect(staticUrl("https://feed.example/sub", "demo", "demo-v1.0.0.zip")).toBe(
      "https://feed.example/sub/plugins/demo/demo-v1.0.0.zip",
    );
    expect(apiUrl("https://feed.example/api", "demo", "check-update")).toBe(
      "https://feed.example/api/plugins/demo/check-update/",
    );
    expect(downloadUrl("https://feed.example/api", "demo", "1.0.0+b")).toBe(
      "https://feed.example/api/plugins/demo/download/?version=1.0.0%2Bb",
    );
    expect(infoUrl("https://feed.example/api", "demo")).toBe("https://feed.example/api/plugins/demo/info/");
  });
});

describe("patterns", () => {
  it.each([
    ["demo", true],
    ["0-day", true],
    ["a".repeat(64), true],
    ["a".repeat(65), false],
    ["-demo", false],
    ["Demo", false],
    ["de_mo", false],
    ["", false],
    ["../etc", false],
  ])("slug %j: %s", (slug, ok) => {
    expect(isSlug(slug)).toBe(ok);
  });

  it("site ids, API keys and reported versions", () => {
    expect(["a", "site.example.com:8080", "x".repeat(128)].map((id) => SITE_ID_PATTERN.test(id))).toEqual([
      true,
      true,
      true,
    ]);
    expect(["", "a/b", "a b", "x".repeat(129)].map((id) => SITE_ID_PATTERN.test(id))).toEqual([
      false,
      false,
      false,
      false,
    ]);
    expect(["12345678", "x".repeat(256)].map((key) => API_KEY_PATTERN.test(key))).toEqual([true, true]);
    expect(["1234567", "x".repeat(257), "with space"].map((key) => API_KEY_PATTERN.test(key))).toEqual([
      false,
      false,
      false,
    ]);
    expect(["6.7", "v1.2.3", "8.3.0-rc.1", "1.2.3.4", "one"].map((v) => REPORTED_VERSION_PATTERN.test(v))).toEqual([
      true,
      true,
      true,
      false,
      false,
    ]);
  });

  it("API error codes are unique snake_case words", () => {
    expect(new Set(API_ERROR_CODES).size).toBe(API_ERROR_CODES.length);
    for (const code of API_ERROR_CODES) expect(code).toMatch(/^[a-z]+(_[a-z]+)*$/);
  });
});

describe("versions and channels", () => {
  it.each([
    ["6.7", "6.7.0"],
    ["v1.2", "1.2.0"],
    ["1.2.0-beta.1", "1.2.0-beta.1"],
    ["1.2.0+build", "1.2.0"],
    [" 2 ", "2.0.0"],
    ["latest", null],
    ["1.2.3.4", null],
  ])("normaliseVersion(%j) is %j", (text, expected) => {
    expect(normaliseVersion(text)).toBe(expected);
  });

  it("the beta channel sees stable releases; the stable channel only stable ones", () => {
    const sees = (site: Channel, release: Channel) => channelSees(site, release);
    expect([sees("stable", "stable"), sees("stable", "beta"), sees("beta", "stable"), sees("beta", "beta")]).toEqual([
      true,
      false,
      true,
      true,
    ]);
  });
});

function release(version: string, fields: Partial<PublishedRelease> = {}): PublishedRelease {
  return {
    version,
    version_code: 0,
    status: "released",
    channel: "stable",
    offered: true,
    packaged: true,
    file: `demo-v${version}.zip`,
    url: null,
    sha256: `sha-${version}`,
    md5: null,
    size: 100,
    signatures: [],
    released_at: null,
    requires_php: "7.4",
    requires_wp: "6.0",
    tested_wp: "6.7",
    force_update: false,
    autoupdate: false,
    rollout: 100,
    guard: null,
    changelog: `Changes in ${version}.`,
    upgrade_notice: "",
    deprecation_reason: null,
    skip_reason: null,
    ...fields,
  };
}

/** releases.json of the demo plugin with these releases (newest first). */
function releasesDocument(releases: PublishedRelease[]): ReleasesDocument {
  return {
    slug: "demo",
    api_base: "https://feed.example/api",
    main_file: "demo.php",
    version_constant: "DEMO_VERSION",
    updater_path: null,
    platform: "wordpress",
    private: false,
    active: true,
    latest: { stable: releases.find((each) => each.channel === "stable")?.version ?? null, beta: null },
    releases,
  };
}

describe("the offer decision", () => {
  const releases = [
    release("2.0.0-beta.1", { status: "testing", channel: "beta" }),
    release("1.3.0", { status: "update_ready", autoupdate: true, rollout: 30 }),
    release("1.2.0", { force_update: true, autoupdate: true }),
    release("1.1.0"),
    release("1.0.0", { status: "deprecated", channel: null, offered: false, deprecation_reason: "Broke sites." }),
  ];
  const site = (fields: Partial<SiteFacts>): SiteFacts => ({
    currentVersion: "1.1.0",
    channel: "stable",
    phpVersion: null,
    wpVersion: null,
    bucketFor: () => 50,
    ...fields,
  });
  const index = offerIndexOf(releasesDocument(releases));
  const offered = (fields: Partial<SiteFacts>) => decideOffer(index, site(fields)).offered?.version;

  it("offers the newest release the site's channel, requirements and rollout allow", () => {
    expect(offered({})).toBe("1.2.0");
    expect(offered({ bucketFor: () => 29 })).toBe("1.3.0");
    expect(offered({ channel: "beta" })).toBe("2.0.0-beta.1");
    expect(offered({ phpVersion: "7.3" })).toBeUndefined();
    expect(offered({ currentVersion: "1.3.0" })).toBeUndefined();
    expect(offered({ currentVersion: "9.0.0", channel: "beta" })).toBeUndefined();
  });

  it("forces the update when a security release lies between the site and the offer", () => {
    expect(decideOffer(index, site({})).forced).toBe(true);
    expect(decideOffer(index, site({ currentVersion: "1.2.0", bucketFor: () => 0 })).forced).toBe(false);
  });

  it("tells a site on a deprecated release that it is (the reason is deprecations.json's)", () => {
    expect(decideOffer(index, site({ currentVersion: "1.0" })).currentDeprecated).toBe(true);
    expect(decideOffer(index, site({ currentVersion: "1.1.0" })).currentDeprecated).toBe(false);
    expect(index.deprecated).toEqual(["1.0.0"]);
  });

  it("hashes each partially rolled-out release's bucket ahead, for bucketFor", async () => {
    const bucketFor = await rolloutBucketsFor("demo", releases, "site:abc");
    expect(bucketFor(releases[1] as PublishedRelease)).toBe(independentBucket("demo", "1.3.0", "site:abc"));
    expect(bucketFor(releases[2] as PublishedRelease)).toBe(0);
  });

  it("asks for the bucket only for a partial rollout", () => {
    const asked: string[] = [];
    const bucketFor = (asking: { version: string }) => {
      asked.push(asking.version);
      return 99;
    };
    decideOffer(index, site({ bucketFor }));
    expect(asked).toEqual(["1.3.0"]);
  });

  it("answers check-update from the decision, signed query and deprecation included", () => {
    const decision = decideOffer(index, site({ currentVersion: "1.0.0" }));
    const answer = renderCheckUpdateAnswer({
      slug: "demo",
      apiBase: "https://feed.example/api",
      siteUrl: "https://feed.example",
      channel: "stable",
      currentVersion: "1.0.0",
      offer: { ...decision, deprecation: { reason: "Broke sites." } },
      latest: releases[1] ?? null,
      signedQuery: "?version=1.2.0&expires=9&signature=ab",
    });
    expect(answer).toEqual({
      update_available: true,
      current_version: "1.0.0",
      latest_version: "1.2.0",
      latest_version_code: 0,
      download_url: "https://feed.example/api/plugins/demo/download/?version=1.2.0&expires=9&signature=ab",
      changelog: "Changes in 1.2.0.",
      info_url: "https://feed.example/api/plugins/demo/info/",
      force_update: true,
      checksum: "sha-1.2.0",
      file_size: 100,
      requires_php: "7.4",
      tested_wp: "6.7",
      autoupdate: true,
      channel: "stable",
      signature_url: "https://feed.example/plugins/demo/demo-v1.2.0.zip.sig",
      current_deprecated: true,
      deprecation_reason: "Broke sites.",
    });
  });
});

describe("issue 14 item 4: the rollout guard's verdict", () => {
  const guard = (fields: Partial<OfferGuard> = {}): OfferGuard => ({
    max_error_rise_points: 20,
    min_sites: 4,
    baseline: "1.1.0",
    ...fields,
  });
  const figures = (sites: number, errors: number, baselineSites: number, baselineErrors: number): GuardFigures => ({
    sites,
    errors,
    baseline_sites: baselineSites,
    baseline_errors: baselineErrors,
  });

  it("issue 14 item 4: waits until min_sites sites on the release report, however many fail", () => {
    expect(judgeGuard("1.2.0", guard(), figures(3, 3, 10, 0))).toEqual({
      waiting: true,
      tripped: false,
      share: 100,
      baseline_share: 0,
      summary: "1.2.0: error share 100% (3 of 3 sites); waiting for 4 sites to report",
    });
    expect(judgeGuard("1.2.0", guard(), figures(4, 3, 10, 0))).toMatchObject({ waiting: false, tripped: true });
  });

  it("issue 14 item 4: does not trip at exactly the allowed rise, and trips above it", () => {
    // 30% against 10%: 20 points, as allowed.
    expect(judgeGuard("1.2.0", guard(), figures(10, 3, 10, 1))).toEqual({
      waiting: false,
      tripped: false,
      share: 30,
      baseline_share: 10,
      summary:
        "1.2.0: error share 30% (3 of 10 sites) against 1.1.0: 10% (1 of 10 sites): within the 20 points the guard allows",
    });
    // 31 of 100 against 10 of 100: 21 points.
    expect(judgeGuard("1.2.0", guard(), figures(100, 31, 100, 10)).tripped).toBe(true);
    // Unequal counts: 1 of 3 against 1 of 30 is 10/30 − 1/30, exactly 30 points.
    const few = { min_sites: 3 };
    expect(judgeGuard("1.2.0", guard({ ...few, max_error_rise_points: 30 }), figures(3, 1, 30, 1)).tripped).toBe(false);
    expect(judgeGuard("1.2.0", guard({ ...few, max_error_rise_points: 29.9 }), figures(3, 1, 30, 1)).tripped).toBe(
      true,
    );
  });

  it("issue 14 item 4: compares exactly where floating point would not (0.8 − 0.7 is 0.10000000000000009)", () => {
    expect(0.8 - 0.7 > 0.1).toBe(true);
    expect(judgeGuard("1.2.0", guard({ max_error_rise_points: 10 }), figures(10, 8, 10, 7)).tripped).toBe(false);
    expect(judgeGuard("1.2.0", guard({ max_error_rise_points: 0 }), figures(10, 8, 10, 8)).tripped).toBe(false);
    expect(judgeGuard("1.2.0", guard({ max_error_rise_points: 0 }), figures(10, 9, 10, 8)).tripped).toBe(true);
  });

  it("issue 14 item 4: a baseline without sites, or no baseline at all, counts as 0% errors", () => {
    for (const baseline of ["1.1.0", null]) {
      expect(judgeGuard("1.2.0", guard({ baseline }), figures(5, 1, 0, 0)).tripped).toBe(false);
      expect(judgeGuard("1.2.0", guard({ baseline }), figures(5, 2, 0, 0)).tripped).toBe(true);
    }
    expect(judgeGuard("1.2.0", guard({ baseline: null }), figures(5, 2, 0, 0)).summary).toBe(
      "1.2.0: error share 40% (2 of 5 sites) against no earlier release to compare with (0%): more than the 20 points the guard allows",
    );
    expect(judgeGuard("1.2.0", guard(), figures(5, 1, 0, 0)).summary).toBe(
      "1.2.0: error share 20% (1 of 5 sites) against 1.1.0: 0% (0 of 0 sites): within the 20 points the guard allows",
    );
  });

  it("issue 14 item 4: a halt (or a resume's disarming) holds until the published rollout is raised above it", () => {
    expect(haltHolds(50, 50)).toBe(true);
    expect(haltHolds(50, 30)).toBe(true);
    expect(haltHolds(50, 51)).toBe(false);
    expect(haltHolds(100, 100)).toBe(true);
  });

  it("issue 14 item 4: compares a release with the newest older offered release its channel sees", () => {
    const releases = [
      release("2.0.0-beta.1", { status: "testing", channel: "beta" }),
      release("1.3.0", { rollout: 50 }),
      release("1.2.0", { offered: false, status: "deprecated", channel: null }),
      release("1.1.0"),
    ];
    const [beta, stable] = releases as [PublishedRelease, PublishedRelease];
    expect(guardBaseline(releases, stable)).toBe("1.1.0");
    expect(guardBaseline(releases, beta)).toBe("1.3.0");
    expect(guardBaseline(releases, releases[3] as PublishedRelease)).toBeNull();
  });
});

describe("issue 14 item 4: the offer decision with halted releases", () => {
  const releases = [
    release("1.3.0", { rollout: 50, guard: { max_error_rise_points: 5, min_sites: 10 } }),
    release("1.2.0", { requires_php: "8.3" }),
    release("1.1.0"),
  ];
  const index = offerIndexOf(releasesDocument(releases));
  const offered = (held: string[], fields: Partial<SiteFacts> = {}) =>
    decideOffer(index, {
      currentVersion: "1.0.0",
      channel: "stable",
      phpVersion: "8.3",
      wpVersion: null,
      bucketFor: () => 10,
      held: new Set(held),
      ...fields,
    }).offered?.version ?? null;

  it("issue 14 item 4: carries the guard and its baseline in the offer index", () => {
    expect(index.channels.stable[0]?.guard).toEqual({ max_error_rise_points: 5, min_sites: 10, baseline: "1.2.0" });
    expect(index.channels.stable[1]?.guard).toBeNull();
  });

  it("issue 14 item 4: skips a held release and offers the next one the site may have", () => {
    expect(offered([])).toBe("1.3.0");
    expect(offered(["1.3.0"])).toBe("1.2.0");
    expect(offered(["1.3.0"], { phpVersion: "7.4" })).toBe("1.1.0");
    expect(offered(["1.3.0", "1.2.0", "1.1.0"])).toBeNull();
    // A held release the site is already past changes nothing.
    expect(offered(["1.1.0"], { currentVersion: "1.2.0" })).toBe("1.3.0");
    // Without `held`, nothing is held.
    expect(
      decideOffer(index, {
        currentVersion: "1.0.0",
        channel: "stable",
        phpVersion: "8.3",
        wpVersion: null,
        bucketFor: () => 10,
      }).offered?.version,
    ).toBe("1.3.0");
  });

  it("issue 14 item 4: offers the security release below a held release, still forced", () => {
    const forced = offerIndexOf(
      releasesDocument([release("1.3.0", { rollout: 50 }), release("1.2.0", { force_update: true }), release("1.1.0")]),
    );
    const decision = decideOffer(forced, {
      currentVersion: "1.1.0",
      channel: "stable",
      phpVersion: null,
      wpVersion: null,
      bucketFor: () => 0,
      held: new Set(["1.3.0"]),
    });
    expect(decision).toMatchObject({ offered: { version: "1.2.0" }, forced: true });
  });
});

describe("issue 12: the offer index", () => {
  const candidates = (releases: PublishedRelease[], channel: Channel = "stable") =>
    offerIndexOf(releasesDocument(releases)).channels[channel].map((candidate) => candidate.version);

  it("keeps only the releases some site could be offered: a newer one for every site and no stricter drops them", () => {
    const releases = [
      release("1.5.0", { rollout: 30 }),
      release("1.4.0", { requires_php: "8.3" }),
      release("1.3.0", { requires_wp: "6.5" }),
      release("1.2.0"),
      release("1.1.0"),
      release("1.0.0", { requires_php: "7.2" }),
    ];
    // 1.1.0 asks what 1.2.0 asks and 1.2.0 reaches every site; 1.0.0 still serves PHP 7.2 and 7.3.
    expect(candidates(releases)).toEqual(["1.5.0", "1.4.0", "1.3.0", "1.2.0", "1.0.0"]);
  });

  it("gives each release the newest security release at or below it on its channel", () => {
    const releases = [
      release("2.0.0-beta.1", { status: "testing", channel: "beta", force_update: true, rollout: 10 }),
      release("1.3.0", { rollout: 50 }),
      release("1.2.0", { force_update: true, requires_php: "8.4" }),
      release("1.1.0"),
    ];
    const index = offerIndexOf(releasesDocument(releases));
    const forced = (channel: Channel) =>
      index.channels[channel].map((candidate) => [candidate.version, candidate.forced_since]);
    expect(forced("stable")).toEqual([
      ["1.3.0", "1.2.0"],
      ["1.2.0", "1.2.0"],
      ["1.1.0", null],
    ]);
    expect(forced("beta")[0]).toEqual(["2.0.0-beta.1", "2.0.0-beta.1"]);
  });

  it(`holds at most ${OFFER_INDEX_LIMITS.candidates} releases per channel and a bounded changelog, whatever the history`, () => {
    const many = Array.from({ length: 300 }, (_, index) =>
      release(`1.${Math.floor(index / 100)}.${index % 100}`, {
        rollout: 1 + (index % 99),
        changelog: "x ".repeat(5000),
      }),
    ).reverse();
    const index = offerIndexOf(releasesDocument(many));
    expect(index.channels.stable).toHaveLength(OFFER_INDEX_LIMITS.candidates);
    expect(index.channels.stable[0]?.version).toBe("1.2.99");
    for (const candidate of index.channels.stable) {
      expect(jsonTextBytes(candidate.changelog)).toBeLessThanOrEqual(OFFER_INDEX_LIMITS.changelogBytes);
    }
  });

  it("cuts a text to a JSON byte budget at a line or a word, with an ellipsis", () => {
    expect(excerptText("Short.", 20)).toBe("Short.");
    const lines = "- Fix the sync.\n- Add a button.\n- Remove the old screen.";
    expect(excerptText(lines, 40)).toBe("- Fix the sync.\n- Add a button.…");
    const words = "Ünïcödé wörds everywhere in this sentence";
    const cut = excerptText(words, 24);
    expect(cut).toMatch(/^Ünïcödé wörds…$/);
    expect(jsonTextBytes(cut)).toBeLessThanOrEqual(24);
    // Escapes count: a quote takes two bytes inside JSON.
    expect(jsonTextBytes(excerptText('"'.repeat(100), 21))).toBeLessThanOrEqual(21);
  });
});

describe("the contract module", () => {
  const folder = path.resolve(import.meta.dirname, "..", "scripts", "contract");
  const files = readdirSync(folder).filter((name) => name.endsWith(".ts"));

  it("is runtime-neutral: no Node module, no Buffer or process, no package but semver", () => {
    expect(files.length).toBeGreaterThan(5);
    const findings: string[] = [];
    for (const name of files) {
      const code = readFileSync(path.join(folder, name), "utf8").replace(/^\s*(\/\/|\*|\/\*\*).*$/gm, "");
      for (const match of code.matchAll(/(?:from\s+|import\s*\(\s*)["']([^"']+)["']/g)) {
        const specifier = match[1] ?? "";
        if (!specifier.startsWith("./") && specifier !== "semver") findings.push(`${name} imports ${specifier}`);
      }
      if (/\bBuffer\b/.test(code)) findings.push(`${name} uses Buffer`);
      if (/\bprocess\s*\./.test(code)) findings.push(`${name} reads process`);
    }
    expect(findings).toEqual([]);
  });
});
