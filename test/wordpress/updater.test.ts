/**
 * The updater inside the plugin, in a real WordPress: Debian's WordPress on MariaDB under
 * php -S, the feed and the Worker served by `npm run dev` (wrangler's local runtime, local KV),
 * and WordPress's own code driving every step: Plugin_Upgrader installs and upgrades,
 * wp_update_plugins() checks, plugins_api() and wp-admin pages show, WP-Cron reports.
 */
import { randomBytes } from "node:crypto";
import { existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { createServer } from "node:http";
import type { AddressInfo } from "node:net";
import { tmpdir } from "node:os";
import path from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { RolloutStatus } from "../../scripts/contract/index.ts";
import { generateApiKey } from "../../scripts/sites.ts";
import { runFeedwright } from "../support/run-cli.ts";
import {
  addSite,
  type FeedServer,
  listInstallations,
  serveFolder,
  startFeedServerAndWordPress,
} from "./feed-server.ts";
import {
  BRIDGE_SLUG,
  buildFixtureFeed,
  type FixtureFeed,
  GUARD_MIN_SITES,
  PHP_INCOMPATIBLE_VERSION,
  PRIVATE_OLD_UPDATER_VERSION,
  PRIVATE_SLUG,
  ROLLOUT_PERCENT,
  ROLLOUT_TESTED_WP,
  ROLLOUT_VERSION,
  rolloutBucket,
  SCRATCH_SLUG,
  SCRATCH_UPDATE_HOST,
  siteIdFor,
  TAMPERED_INFO_MARK,
  UNLISTED_PACKAGE,
  WITHDRAWN_REASON,
} from "./fixture-feed.ts";
import { ensurePackages, OFFLINE_LOOPBACK_SEAMS, testFeedSeams, type WordPressSite, waitFor } from "./harness.ts";
import { installAndActivate, type UpgradeResult, upgrade } from "./wordpress-steps.ts";

const BRIDGE = `${BRIDGE_SLUG}/igny8-bridge.php`;
/** Installed in a folder of its own choosing: an update must keep it there. */
const SCRATCH_FOLDER = "feedwright-scratch-custom";
const SCRATCH = `${SCRATCH_FOLDER}/feedwright-scratch.php`;
const BRIDGE_PREFIX = "feedwright_igny8_wp_bridge";
const SCRATCH_PREFIX = "feedwright_feedwright_scratch";
const PRIVATE_PREFIX = "feedwright_feedwright_private";
const PRIVATE = `${PRIVATE_SLUG}/feedwright-private.php`;
const DOWNLOAD_URL_KEY = randomBytes(16).toString("hex");
const SITE_ID = "site-a";
const ADMIN_TOKEN = randomBytes(16).toString("hex");
const ROOT = path.resolve(import.meta.dirname, "..", "..");
/** Sites of the scratch plugin, reporting over HTTP only, that the rollout guard judges. */
interface SimulatedFleetSite {
  site_id: string;
  api_key: string;
  slug: string;
}
const guardFleet: SimulatedFleetSite[] = Array.from({ length: GUARD_MIN_SITES }, (_, index) => ({
  site_id: `guard-fleet-${index}`,
  api_key: generateApiKey(),
  slug: SCRATCH_SLUG,
}));

/** Test seams, as a must-use plugin of the test site; never part of a package. */
const TEST_SEAMS = `<?php
/**
 * Plugin Name: feedwright test seams
 * Description: Offline wordpress.org, loopback downloads, and the feed URL the tests choose.
 */
${OFFLINE_LOOPBACK_SEAMS}
// The package URL another update client hands WordPress (the Worker's download URL), when a
// test sets one: after the updater's own answer.
add_filter(
	'pre_set_site_transient_update_plugins',
	function ( $transient ) {
		$url = get_option( 'fwtest_package_url' );
		if ( $url && is_object( $transient ) && isset( $transient->response['${BRIDGE}'] ) ) {
			$transient->response['${BRIDGE}']->package = $url;
		}
		return $transient;
	},
	20
);
${testFeedSeams([BRIDGE_PREFIX, SCRATCH_PREFIX, PRIVATE_PREFIX])}
`;

interface UpdateItem {
  slug: string;
  plugin: string;
  new_version: string;
  package: string;
  url: string;
  tested: string;
  requires: string;
  requires_php: string;
  autoupdate?: boolean;
}

interface CheckResult {
  response: Record<string, UpdateItem>;
  no_update: Record<string, UpdateItem>;
  versions: Record<string, string>;
  state: {
    serial: number;
    failures: number;
    last_error: string;
    next_retry_at: number;
    checked_at: number;
    announced_keys: string[];
  };
}

/** WordPress's own update check, as if its 12 hours were up. */
const CHECK = `
	delete_site_transient( 'update_plugins' );
	wp_update_plugins();
	$transient = get_site_transient( 'update_plugins' );
	wp_cache_delete( 'plugins', 'plugins' );
	return array(
		'response'  => (object) $transient->response,
		'no_update' => (object) $transient->no_update,
		'versions'  => (object) array_map( function ( $data ) { return $data['Version']; }, get_plugins() ),
		'state'     => get_option( '${BRIDGE_PREFIX}_state' ),
	);
`;

/**
 * A stand-in for a Worker behind a CDN an attacker controls: every request gets the same bytes
 * and the same X-Content-Signature header, like the Worker's /download/ answer.
 */
async function serveDownload(
  bytes: Buffer,
  signature: string,
): Promise<{ url: string; close(): Promise<void>; requests: string[] }> {
  const requests: string[] = [];
  const server = createServer((request, response) => {
    requests.push(request.url ?? "");
    response.writeHead(200, {
      "content-type": "application/zip",
      "content-length": bytes.length,
      "x-content-signature": signature,
    });
    response.end(request.method === "HEAD" ? undefined : bytes);
  });
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}`,
    requests,
    close: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}

describe("the updater in a real WordPress", () => {
  let dir: string;
  let feed: FixtureFeed;
  let server: FeedServer;
  let site: WordPressSite;
  let stateDir: string;
  let apiKey: string;
  let privateApiKey: string;
  const started = Date.now();

  const php = <T>(code: string) => site.php<T>(code);
  const check = () => php<CheckResult>(CHECK);
  const useFeed = (url: string) =>
    php(
      `update_option( 'fwtest_feed_url', '${url}' ); update_option( 'fwtest_api_base', '${server.url}/api' ); return true;`,
    );
  /** Edit the bridge updater's kept state: the next check runs at once, not after the back-off. */
  const patchState = (changes: Record<string, unknown> = {}) =>
    php(`
			$state = get_option( '${BRIDGE_PREFIX}_state' );
			$state['next_retry_at'] = 0;
			foreach ( json_decode( '${JSON.stringify(changes)}', true ) as $field => $value ) {
				$state[ $field ] = $value;
			}
			update_option( '${BRIDGE_PREFIX}_state', $state, false );
			return true;
		`);
  const packagePath = (slug: string, version: string) =>
    path.join(feed.dist, "plugins", slug, `${slug}-v${version}.zip`);
  /** Hand WordPress this URL as the bridge's package, as another update client would ("" for ours). */
  const usePackageUrl = (url: string) =>
    php(`update_option( 'fwtest_package_url', ${JSON.stringify(url)} ); return true;`);
  const workerDownloadUrl = (base: string, version: string) =>
    `${base}/api/plugins/${BRIDGE_SLUG}/download/?version=${version}`;
  /** A wp-admin page as the logged-in administrator sees it. */
  const adminPage = async (page: string) =>
    (await fetch(`${site.url}/wp-admin/${page}`, { headers: { cookie: await site.adminCookie() } })).text();
  type PluginInfo = Record<string, unknown> & { sections: Record<string, string> };
  const pluginInfo = () =>
    php<PluginInfo>(`return plugins_api( 'plugin_information', array( 'slug' => '${BRIDGE_SLUG}' ) );`);

  beforeAll(async () => {
    await ensurePackages();
    dir = mkdtempSync(path.join(tmpdir(), "fw-wptest-"));
    stateDir = path.join(dir, "wrangler-state");
    feed = await buildFixtureFeed(dir);
    // Issued before npm run dev starts: wrangler's local KV must not be written by two
    // processes at once.
    apiKey = await addSite(stateDir, SITE_ID, BRIDGE_SLUG);
    privateApiKey = await addSite(stateDir, SITE_ID, PRIVATE_SLUG);
    const fleetFile = path.join(dir, "guard-fleet.json");
    writeFileSync(fleetFile, JSON.stringify(guardFleet));
    const imported = await runFeedwright(["sites", "import", fleetFile, "--persist-to", stateDir], { cwd: ROOT });
    if (imported.code !== 0) throw new Error(`feedwright sites import: ${imported.stderr}`);
    ({ server, site } = await startFeedServerAndWordPress(
      {
        distDir: feed.dist,
        stateDir,
        adminToken: ADMIN_TOKEN,
        downloadUrlKey: DOWNLOAD_URL_KEY,
        logFile: path.join(dir, "feed-server.log"),
      },
      { muPlugins: { "feedwright-test-seams.php": TEST_SEAMS } },
    ));
    await useFeed(server.url);
    console.info(`WordPress test setup: ${((Date.now() - started) / 1000).toFixed(1)} s`);
  });

  afterAll(async () => {
    await Promise.allSettled([site?.stop(), server?.stop()]);
    if (dir) rmSync(dir, { recursive: true, force: true });
    console.info(`WordPress tests: ${((Date.now() - started) / 1000).toFixed(1)} s in all`);
  });

  it("installs 1.1.1 from its ZIP, and activation registers the site with the Worker", async () => {
    const result = await php<{ installed: boolean; activated: boolean; version: string; errors: string }>(
      installAndActivate(
        packagePath(BRIDGE_SLUG, "1.1.1"),
        BRIDGE,
        `update_option( 'igny8_bridge_site_id', '${SITE_ID}' ); update_option( 'igny8_bridge_api_key', '${apiKey}' );`,
      ),
    );
    expect(result).toMatchObject({ installed: true, activated: true, version: "1.1.1" });
    // Issue 10 item 6: a release that records no updater version carries the newest, whose
    // classes sit in a folder beside updater_path; the tests below exercise that updater.
    expect(
      existsSync(path.join(site.pluginsDir, BRIDGE_SLUG, "includes", "feedwright-updater", "class-updater.php")),
    ).toBe(true);
    const after = await php<{ reports: { register: { ok: boolean; error: string } }; cron: number | false }>(`
		return array(
			'reports' => get_option( '${BRIDGE_PREFIX}_reports' ),
			'cron'    => wp_next_scheduled( '${BRIDGE_PREFIX}_daily' ),
		);
	`);
    expect(after.reports.register).toMatchObject({ ok: true, error: "" });
    expect(after.cron).toBeGreaterThan(Date.now() / 1000);
    const keys = await listInstallations(stateDir, `site:${BRIDGE_SLUG}:`);
    expect(keys.map((key) => [key.name, key.metadata?.v, key.metadata?.h])).toEqual([
      [`site:${BRIDGE_SLUG}:${SITE_ID}`, "1.1.1", "outdated"],
    ]);
  });

  it("offers the latest stable, 1.2.0, through the update transient, automatically (update_ready)", async () => {
    const result = await check();
    expect(result.versions[BRIDGE]).toBe("1.1.1");
    expect(result.response[BRIDGE]).toMatchObject({
      slug: BRIDGE_SLUG,
      plugin: BRIDGE,
      new_version: "1.2.0",
      package: `${server.url}/plugins/${BRIDGE_SLUG}/${BRIDGE_SLUG}-v1.2.0.zip`,
      requires_php: "7.4",
      requires: "6.0",
      tested: "6.7",
      autoupdate: true,
    });
    expect(result.state).toMatchObject({ failures: 0, last_error: "" });
    // Issue 12: the option keeps the feed's facts and the offer index, not the release list.
    expect(result.state).not.toHaveProperty("releases");
    expect(JSON.stringify(result.state).length).toBeLessThan(8 * 1024);
    // The Plugins screen says so, rendered by WordPress over HTTP for a logged-in admin.
    const page = await fetch(`${site.url}/wp-admin/plugins.php`, { headers: { cookie: await site.adminCookie() } });
    const html = await page.text();
    expect(html).toContain("There is a new version of IGNY8 WordPress Bridge available.");
    expect(html).toContain("View version 1.2.0 details");
  });

  it("issue 11 item 5: FEEDWRIGHT_IGNY8_WP_BRIDGE_FEED_URL in wp-config.php points the site at another feed, trusted only if a pinned key signed it", async () => {
    const config = path.join(site.root, "wp-config.php");
    const original = readFileSync(config, "utf8");
    const settings = "require_once ABSPATH . 'wp-settings.php';";
    expect(original).toContain(settings);
    const defineFeed = (url: string) =>
      writeFileSync(
        config,
        original.replace(settings, `define( 'FEEDWRIGHT_IGNY8_WP_BRIDGE_FEED_URL', '${url}' );\n${settings}`),
      );
    const foreign = await serveFolder(feed.badFeeds.otherKey);
    try {
      // No test filter: the addresses the package carries (production, which this site cannot reach).
      await php("update_option( 'fwtest_feed_url', '' ); update_option( 'fwtest_api_base', '' ); return true;");
      await patchState();
      expect((await check()).state.last_error).toContain("Could not read https://api.igny8.com/feed.json");
      // The constant: the same package now reads the feed (and the API) served by npm run dev.
      defineFeed(server.url);
      await patchState();
      const local = await check();
      expect(local.state).toMatchObject({ last_error: "", failures: 0 });
      expect(local.response[BRIDGE]).toMatchObject({
        new_version: "1.2.0",
        package: `${server.url}/plugins/${BRIDGE_SLUG}/${BRIDGE_SLUG}-v1.2.0.zip`,
      });
      const registered = await php<unknown>(
        "return \\Feedwright_Updater_Igny8_Wp_Bridge\\Updater::instance()->reporter()->register_site();",
      );
      expect(registered).toBe(true);
      // php -S caches compiled files (opcache, revalidated every 2 s): wait for it to read wp-config.php again.
      const feedRow = `${server.url}/feed.json (from FEEDWRIGHT_IGNY8_WP_BRIDGE_FEED_URL in wp-config.php)`;
      const page = await waitFor("the web server to read the new wp-config.php", async () => {
        const html = await adminPage(`options-general.php?page=${BRIDGE_PREFIX}`);
        return html.includes(feedRow) ? html : null;
      });
      expect(page).toContain(`${server.url}/api (from beside FEEDWRIGHT_IGNY8_WP_BRIDGE_FEED_URL in wp-config.php)`);
      // Where, never whom: a feed at the constant's address signed by a key the plugin does not pin is refused.
      defineFeed(foreign.url);
      await patchState();
      const refused = await check();
      expect(foreign.requests).toContain("/feed.json");
      expect(refused.state.last_error).toContain("not signed by a key this plugin trusts");
      expect(refused.response[BRIDGE]?.package).toBe(`${foreign.url}/plugins/${BRIDGE_SLUG}/${BRIDGE_SLUG}-v1.2.0.zip`);
    } finally {
      writeFileSync(config, original);
      await useFeed(server.url);
      await foreign.close();
      await patchState();
    }
    expect((await check()).state.last_error).toBe("");
    // The web server too is back on the plain wp-config.php before the next test.
    await waitFor("the web server to read wp-config.php again", async () =>
      (await adminPage(`options-general.php?page=${BRIDGE_PREFIX}`)).includes("in wp-config.php)") ? null : true,
    );
  });

  it("issue 11 item 6: after a refused feed, the Plugins screen and the settings page say 'could not check: <why>'", async () => {
    const mirror = await serveFolder(feed.badFeeds.expired);
    try {
      await useFeed(mirror.url);
      await patchState();
      const refused = await check();
      expect(refused.state.last_error).toContain("feed.json has expired");
      // The last good offer stands, and the refusal is said beside it.
      expect(refused.response[BRIDGE]).toMatchObject({ new_version: "1.2.0" });
      const plugins = await adminPage("plugins.php");
      expect(plugins).toContain(
        "IGNY8 WordPress Bridge could not check: feed.json has expired: the feed is no longer being published.",
      );
      expect(plugins).toMatch(/<a href="[^"]*update-core\.php\?force-check=1">Check again<\/a>/);
      const settings = await adminPage(`options-general.php?page=${BRIDGE_PREFIX}`);
      expect(settings).toMatch(
        /Status<\/th><td>could not check: feed\.json has expired[^<]*Next try [0-9-]+ [0-9:]+ UTC/,
      );
    } finally {
      await useFeed(server.url);
      await mirror.close();
    }
  });

  it("issue 11 item 6: Dashboard > Updates > Check again reads the feed at once, past the back-off", async () => {
    // The feed is good again, but the refused check above set a back-off: core's checks wait.
    const waiting = await check();
    expect(waiting.state.failures).toBe(1);
    expect(waiting.state.next_retry_at).toBeGreaterThan(Date.now() / 1000 + 600);
    expect(waiting.state.last_error).toContain("has expired");
    const before = waiting.state.checked_at;
    const page = await adminPage("update-core.php?force-check=1");
    const after = await php<CheckResult["state"]>(`return get_option( '${BRIDGE_PREFIX}_state' );`);
    expect(after).toMatchObject({ failures: 0, last_error: "", next_retry_at: 0 });
    expect(after.checked_at).toBeGreaterThan(before);
    expect(page).toContain("IGNY8 WordPress Bridge");
    expect(page).toContain("Update to 1.2.0.");
    expect(await adminPage("plugins.php")).not.toContain("could not check");
  });

  it("issue 9 item 10: offers a site on 1.2.0-pre.1 the release 1.2.0 (SemVer order, where version_compare would not)", async () => {
    const main = path.join(site.pluginsDir, BRIDGE);
    const original = readFileSync(main, "utf8");
    expect(original).toMatch(/^ \* Version: 1\.1\.1$/m);
    writeFileSync(main, original.replace(/^ \* Version: 1\.1\.1$/m, " * Version: 1.2.0-pre.1"));
    try {
      // What the updater would have decided with PHP's own comparison: nothing newer.
      expect(await php<boolean>("return version_compare( '1.2.0', '1.2.0-pre.1', '>' );")).toBe(false);
      const result = await check();
      expect(result.versions[BRIDGE]).toBe("1.2.0-pre.1");
      expect(result.response[BRIDGE]).toMatchObject({ new_version: "1.2.0" });
      const page = await fetch(`${site.url}/wp-admin/plugins.php`, { headers: { cookie: await site.adminCookie() } });
      expect(await page.text()).toContain("View version 1.2.0 details");
    } finally {
      writeFileSync(main, original);
    }
  });

  it('fills "View version details" through plugins_api', async () => {
    const info = await php<Record<string, unknown> & { sections: Record<string, string> }>(
      `return plugins_api( 'plugin_information', array( 'slug' => '${BRIDGE_SLUG}' ) );`,
    );
    expect(info).toMatchObject({
      name: "IGNY8 WordPress Bridge",
      slug: BRIDGE_SLUG,
      version: "1.2.0",
      requires: "6.0",
      requires_php: "7.4",
      tested: "6.7",
      last_updated: expect.stringMatching(/^2026-/),
      download_link: `${server.url}/plugins/${BRIDGE_SLUG}/${BRIDGE_SLUG}-v1.2.0.zip`,
    });
    expect(info.sections.description).toContain("IGNY8");
    expect(info.sections.changelog).toContain("<strong>Sync now</strong>");
    expect(info.sections.upgrade_notice).toContain("safe to update automatically");
    const dialog = await fetch(
      `${site.url}/wp-admin/plugin-install.php?tab=plugin-information&plugin=${BRIDGE_SLUG}&section=changelog`,
      { headers: { cookie: await site.adminCookie() } },
    );
    const html = await dialog.text();
    expect(html).toContain("<strong>Sync now</strong>");
    expect(html).toMatch(/Version:<\/strong>\s*1\.2\.0/);
  });

  it("issue 9 item 7: does not show an info.json whose bytes the signed feed does not vouch for", async () => {
    const mirror = await serveFolder(feed.tamperedInfo);
    try {
      await useFeed(mirror.url);
      const checked = await check();
      // Issue 12: a check is feed.json and its signature, nothing else; info.json waits for the dialog.
      expect(mirror.requests).toEqual(["/feed.json", "/feed.json.sig"]);
      // The signed feed and its offer index are intact: the offer stands.
      expect(checked.state.last_error).toBe("");
      expect(checked.response[BRIDGE]).toMatchObject({ new_version: "1.2.0" });
      const info = await pluginInfo();
      expect(mirror.requests).toContain(`/plugins/${BRIDGE_SLUG}/info.json`);
      expect(JSON.stringify(info)).not.toContain(TAMPERED_INFO_MARK);
      expect(info.sections.description).toContain(
        "info.json does not match the SHA-256 the signed feed gives for it, so it is not shown.",
      );
      // What the verified feed's offer index says is still shown.
      expect(info).toMatchObject({ version: "1.2.0", requires_php: "7.4" });
      expect(info.sections.changelog).toContain("Sync now");
      const dialog = await fetch(
        `${site.url}/wp-admin/plugin-install.php?tab=plugin-information&plugin=${BRIDGE_SLUG}&section=description`,
        { headers: { cookie: await site.adminCookie() } },
      );
      const html = await dialog.text();
      expect(html).not.toContain(TAMPERED_INFO_MARK);
      expect(html).toContain("Details not shown.");
    } finally {
      await useFeed(server.url);
      await mirror.close();
      await patchState();
    }
    // The genuine info.json again, once the feed vouches for what is served.
    await check();
    expect((await pluginInfo()).sections.description).toContain("IGNY8");
  });

  it.each([
    ["one flipped byte", "flipped", "_signature_invalid"],
    ["other bytes and a .sig by another key", "otherKey", "_signature_invalid"],
  ] as const)("refuses a package with %s and keeps 1.1.1", async (_label, kind, code) => {
    const mirror = await serveFolder(feed.tampered[kind]);
    try {
      await useFeed(mirror.url);
      const offered = await check();
      expect(offered.response[BRIDGE]?.package).toBe(`${mirror.url}/plugins/${BRIDGE_SLUG}/${BRIDGE_SLUG}-v1.2.0.zip`);
      const result = await php<UpgradeResult>(upgrade(BRIDGE));
      expect(result.codes).toContain(`${BRIDGE_PREFIX}${code}`);
      expect(result).toMatchObject({ version: "1.1.1", active: true });
      expect(readFileSync(path.join(site.pluginsDir, BRIDGE), "utf8")).toContain("Version: 1.1.1");
      // The updater fetched the package itself, before core could unpack it, and checked it
      // against the signatures the signed feed lists, not a .sig the same server hands out.
      expect(mirror.requests).toContain(`/plugins/${BRIDGE_SLUG}/${BRIDGE_SLUG}-v1.2.0.zip`);
      expect(mirror.requests).not.toContain(`/plugins/${BRIDGE_SLUG}/${BRIDGE_SLUG}-v1.2.0.zip.sig`);
    } finally {
      await useFeed(server.url);
      await mirror.close();
    }
  });

  it("issue 9 item 11: checks a package against the signatures the signed feed lists, wherever it came from", async () => {
    await check();
    const mirror = await serveFolder(feed.tampered.noSignature);
    try {
      const verdict = (url: string) =>
        php<string>(`
			$updater = \\Feedwright_Updater_Igny8_Wp_Bridge\\Updater::instance()->installer();
			$file = $updater->filter_pre_download( false, ${JSON.stringify(url)}, null, array( 'plugin' => '${BRIDGE}' ) );
			if ( is_string( $file ) ) {
				wp_delete_file( $file );
			}
			return is_wp_error( $file ) ? $file->get_error_code() : 'verified';
		`);
      // No .sig next to it: the signed feed's signatures for 1.2.0 are enough.
      expect(await verdict(`${mirror.url}/plugins/${BRIDGE_SLUG}/${BRIDGE_SLUG}-v1.2.0.zip`)).toBe("verified");
      // A package the feed does not list, with no signature anywhere: refused.
      expect(await verdict(`${mirror.url}/plugins/${BRIDGE_SLUG}/${UNLISTED_PACKAGE}`)).toBe(
        `${BRIDGE_PREFIX}_signature_missing`,
      );
      // ...and from a download whose X-Content-Signature verifies against a trusted key: taken,
      // and refused when that header is a signature of other bytes.
      const { bytes, signedByTestKey, genuineSignature } = feed.flippedPackage;
      for (const [signature, expected] of [
        [signedByTestKey, "verified"],
        [genuineSignature, `${BRIDGE_PREFIX}_signature_invalid`],
      ]) {
        const download = await serveDownload(bytes, signature ?? "");
        try {
          expect(await verdict(`${download.url}/api/plugins/${BRIDGE_SLUG}/download/`)).toBe(expected);
        } finally {
          await download.close();
        }
      }
    } finally {
      await mirror.close();
    }
  });

  it("issue 9 item 11: refuses a tampered package from a Worker download URL, even with the genuine X-Content-Signature", async () => {
    const worker = await serveDownload(feed.flippedPackage.bytes, feed.flippedPackage.genuineSignature);
    try {
      const url = workerDownloadUrl(worker.url, "1.2.0");
      await usePackageUrl(url);
      expect((await check()).response[BRIDGE]?.package).toBe(url);
      const result = await php<UpgradeResult>(upgrade(BRIDGE));
      expect(result.codes).toContain(`${BRIDGE_PREFIX}_signature_invalid`);
      expect(result).toMatchObject({ version: "1.1.1", active: true });
      // Issue 14 item 2: the request says a person started it ("Update now"), and from which version.
      expect(worker.requests).toEqual([
        `/api/plugins/${BRIDGE_SLUG}/download/?version=1.2.0&kind=manual&installed=1.1.1`,
      ]);
    } finally {
      await usePackageUrl("");
      await worker.close();
    }
  });

  it("issue 9 item 11: upgrades 1.1.1 to 1.2.0 from the Worker's download URL, still active, in its own folder", async () => {
    const url = workerDownloadUrl(server.url, "1.2.0");
    await usePackageUrl(url);
    let result: UpgradeResult;
    try {
      // What the original check-update answer and the update-checker library hand WordPress.
      expect((await check()).response[BRIDGE]?.package).toBe(url);
      result = await php<UpgradeResult>(upgrade(BRIDGE));
    } finally {
      await usePackageUrl("");
    }
    expect(result).toMatchObject({ ok: true, codes: [], version: "1.2.0", active: true });
    expect(readFileSync(path.join(site.pluginsDir, BRIDGE), "utf8")).toContain("Version: 1.2.0");
    const after = await check();
    expect(after.response[BRIDGE]).toBeUndefined();
    // Current: a no_update entry, so the Plugins screen shows the auto-update toggle.
    expect(after.no_update[BRIDGE]).toMatchObject({ slug: BRIDGE_SLUG, new_version: "1.2.0" });
  });

  it("issue 11 item 7: reports the new version right after the upgrade, and again on the next admin page after any other change of version", async () => {
    // The upgrade above registered from within the upgrade: no health check has run since.
    const keys = await listInstallations(stateDir, `site:${BRIDGE_SLUG}:`);
    expect(keys.map((key) => [key.name, key.metadata?.v, key.metadata?.h])).toEqual([
      [`site:${BRIDGE_SLUG}:${SITE_ID}`, "1.2.0", "healthy"],
    ]);
    type Reports = { version: string; register: { ok: boolean; at: number; version: string } };
    const reports = await php<Reports>(`return get_option( '${BRIDGE_PREFIX}_reports' );`);
    expect(reports).toMatchObject({ version: "1.2.0", register: { ok: true, version: "1.2.0" } });
    // As an older updater leaves it (no version reported): the next admin page registers.
    await php(`
		$reports = get_option( '${BRIDGE_PREFIX}_reports' );
		unset( $reports['version'] );
		$reports['register']['at'] = 0;
		update_option( '${BRIDGE_PREFIX}_reports', $reports, false );
		return true;
	`);
    await adminPage("index.php");
    const again = await php<Reports>(`return get_option( '${BRIDGE_PREFIX}_reports' );`);
    expect(again).toMatchObject({ version: "1.2.0", register: { ok: true, version: "1.2.0" } });
    expect(again.register.at).toBeGreaterThan(0);
  });

  it("reports health daily through WP-Cron; the Worker records it and counted the download", async () => {
    await php(`
		$hook = '${BRIDGE_PREFIX}_daily';
		wp_clear_scheduled_hook( $hook );
		wp_schedule_event( time() - 60, 'daily', $hook );
		return true;
	`);
    // What a system cron job (or a visitor) does: request wp-cron.php from the web server.
    const cron = await fetch(`${site.url}/wp-cron.php`);
    expect(cron.status).toBe(200);
    const reports = await php<{ "health-check": { ok: boolean; error: string } }>(
      `return get_option( '${BRIDGE_PREFIX}_reports' );`,
    );
    expect(reports["health-check"]).toMatchObject({ ok: true, error: "" });
    const keys = await listInstallations(stateDir, `site:${BRIDGE_SLUG}:`);
    expect(keys.map((key) => [key.name, key.metadata?.v, key.metadata?.h])).toEqual([
      [`site:${BRIDGE_SLUG}:${SITE_ID}`, "1.2.0", "healthy"],
    ]);
    const stats = await fetch(`${server.url}/api/plugins/${BRIDGE_SLUG}/stats/?refresh=1`, {
      headers: { authorization: `Bearer ${ADMIN_TOKEN}` },
    }).then((response) => response.json() as Promise<{ installations: number; downloads: { by_version: object } }>);
    expect(stats.installations).toBe(1);
    expect(stats.downloads.by_version).toMatchObject({ "1.2.0": 1 });
  });

  it("offers a beta-channel site 1.3.0-beta.1", async () => {
    await php(`update_option( '${BRIDGE_PREFIX}_channel', 'beta' ); return true;`);
    const beta = await check();
    expect(beta.response[BRIDGE]).toMatchObject({ new_version: "1.3.0-beta.1" });
    expect(beta.response[BRIDGE]?.autoupdate).toBeUndefined();
  });

  it.each([
    ["an older serial (a replayed feed)", "replayed", "older than the"],
    ["an expiry in the past (a frozen feed)", "expired", "has expired"],
    ["a signature by another key", "otherKey", "not signed by a key this plugin trusts"],
  ] as const)("refuses a feed.json with %s and keeps the last good answer", async (_label, kind, message) => {
    const mirror = await serveFolder(feed.badFeeds[kind]);
    try {
      const before = await check();
      await useFeed(mirror.url);
      const refused = await check();
      expect(mirror.requests).toContain("/feed.json");
      expect(refused.state.last_error).toContain(message);
      expect(refused.state.serial).toBe(before.state.serial);
      expect(refused.response[BRIDGE]).toMatchObject({ new_version: "1.3.0-beta.1" });
    } finally {
      await useFeed(server.url);
      await mirror.close();
      // Back to the real feed at once, not after the back-off.
      await patchState();
    }
  });

  it("moves to a new signing key announced by a feed it trusts, without reinstalling", async () => {
    const realSerial = (await check()).state.serial;
    const rotated = await serveFolder(feed.rotation.rotated);
    const announcing = await serveFolder(feed.rotation.announcing);
    try {
      // Signed only by a key nobody announced yet: refused.
      await useFeed(rotated.url);
      expect((await check()).state.last_error).toContain("not signed by a key this plugin trusts");
      await patchState();
      // The pinned key announces the next one.
      await useFeed(announcing.url);
      const announced = await check();
      expect(announced.state.last_error).toBe("");
      expect(announced.state.announced_keys).toContain(feed.rotation.nextKey);
      // Now a feed and a package signed only by the next key are accepted.
      await useFeed(rotated.url);
      const accepted = await check();
      expect(accepted.state.last_error).toBe("");
      expect(accepted.state.serial).toBe(realSerial + 2);
      const verdict = await php<string>(`
			$updater = \\Feedwright_Updater_Igny8_Wp_Bridge\\Updater::instance()->installer();
			$file = $updater->filter_pre_download( false, '${rotated.url}/${feed.rotation.betaPackage}', null, array( 'plugin' => '${BRIDGE}' ) );
			return is_wp_error( $file ) ? $file->get_error_code() : 'verified';
		`);
      expect(verdict).toBe("verified");
    } finally {
      await useFeed(server.url);
      await rotated.close();
      await announcing.close();
      // Back to the real feed (a lower serial than the rotated one) for the tests after this.
      await patchState({ serial: realSerial, announced_keys: [] });
    }
  });

  it("updates a private plugin through a signed URL it gets with its API key, and not without one", async () => {
    const installed = await php<{ installed: boolean; activated: boolean; version: string }>(
      installAndActivate(packagePath(PRIVATE_SLUG, PRIVATE_OLD_UPDATER_VERSION), PRIVATE),
    );
    expect(installed).toMatchObject({ installed: true, activated: true, version: PRIVATE_OLD_UPDATER_VERSION });
    // Issue 10 item 6: 1.0.0 was released with updater version 1 (one file, one class), and it
    // is that updater which takes the site to 1.1.0, built with the newest.
    const privateFolder = path.join(site.pluginsDir, PRIVATE_SLUG);
    expect(readFileSync(path.join(privateFolder, "feedwright-updater.php"), "utf8")).toContain(
      "final class Feedwright_Updater_Feedwright_Private {",
    );
    expect(existsSync(path.join(privateFolder, "feedwright-updater"))).toBe(false);
    const offered = await check();
    expect(offered.response[PRIVATE]).toMatchObject({ new_version: "1.1.0" });
    // The package's own address answers 401 without a signature: the updater must ask first.
    expect((await fetch(offered.response[PRIVATE]?.package ?? "")).status).toBe(401);

    const refused = await php<UpgradeResult>(upgrade(PRIVATE));
    expect(refused.codes).toContain(`${PRIVATE_PREFIX}_private_download`);
    expect(refused.version).toBe("1.0.0");

    await php(`update_option( '${PRIVATE_PREFIX}_api_key', '${privateApiKey}' ); return true;`);
    const upgraded = await php<UpgradeResult>(upgrade(PRIVATE));
    expect(upgraded).toMatchObject({ ok: true, version: "1.1.0", active: true });
    expect(readFileSync(path.join(privateFolder, "feedwright-updater.php"), "utf8")).toContain(
      "namespace Feedwright_Updater_Feedwright_Private;",
    );
    expect(existsSync(path.join(privateFolder, "feedwright-updater", "class-updater.php"))).toBe(true);
  });

  it("has a settings page: channel, the last check and the reports", async () => {
    const page = await fetch(`${site.url}/wp-admin/options-general.php?page=${BRIDGE_PREFIX}`, {
      headers: { cookie: await site.adminCookie() },
    });
    const html = await page.text();
    expect(html).toContain("IGNY8 WordPress Bridge updates</h1>");
    expect(html).toMatch(/<option value="beta" selected='selected'>/);
    expect(html).toContain(`<td>1.3.0-beta.1</td>`);
    expect(html).toMatch(/Last good check<\/th><td>[0-9-]+ [0-9:]+ UTC, serial \d+<\/td>/);
    expect(html).toMatch(/Last health-check<\/th><td>[0-9-]+ [0-9:]+ UTC: ok<\/td>/);
  });

  describe("a second feedwright plugin on the same site (Update URI, rollout, PHP requirement)", () => {
    const inside = siteIdFor(SCRATCH_SLUG, ROLLOUT_VERSION, ROLLOUT_PERCENT, true, "inside");
    const outside = siteIdFor(SCRATCH_SLUG, ROLLOUT_VERSION, ROLLOUT_PERCENT, false, "outside");
    const useSiteId = (id: string) => php(`update_option( '${SCRATCH_PREFIX}_site_id', '${id}' ); return true;`);
    const workerOffer = async (siteId: string, phpVersion: string) => {
      const query = new URLSearchParams({
        current_version: "1.0.0",
        site_id: siteId,
        php_version: phpVersion,
        wp_version: "6.1.9",
      });
      const answer = (await fetch(`${server.url}/api/plugins/${SCRATCH_SLUG}/check-update/?${query}`).then((r) =>
        r.json(),
      )) as { update_available: boolean; latest_version: string };
      return answer.update_available ? answer.latest_version : null;
    };
    let phpVersion = "";

    beforeAll(async () => {
      // Unpacked by hand into a folder that is not the slug, as some sites have it.
      const installed = await php<{ activated: boolean; version: string }>(`
			WP_Filesystem();
			$temporary = get_temp_dir() . 'feedwright-unpack-' . wp_generate_password( 8, false );
			$unzipped  = unzip_file( ${JSON.stringify(packagePath(SCRATCH_SLUG, "1.0.0"))}, $temporary );
			rename( $temporary . '/${SCRATCH_SLUG}', WP_PLUGIN_DIR . '/${SCRATCH_FOLDER}' );
			$activated = activate_plugin( '${SCRATCH}' );
			wp_cache_delete( 'plugins', 'plugins' );
			$plugins = get_plugins();
			return array(
				'activated' => true === $unzipped && null === $activated,
				'version'   => isset( $plugins['${SCRATCH}'] ) ? $plugins['${SCRATCH}']['Version'] : null,
			);
		`);
      expect(installed).toEqual({ activated: true, version: "1.0.0" });
      phpVersion = await php<string>("return PHP_VERSION;");
    });

    it("does not offer a release to a site outside its rollout (and agrees with the Worker)", async () => {
      expect(rolloutBucket(SCRATCH_SLUG, ROLLOUT_VERSION, outside)).toBeGreaterThanOrEqual(ROLLOUT_PERCENT);
      await useSiteId(outside);
      const result = await check();
      expect(result.response[SCRATCH]).toBeUndefined();
      expect(result.no_update[SCRATCH]).toMatchObject({ new_version: "1.0.0" });
      expect(await workerOffer(outside, phpVersion)).toBeNull();
      // Both plugins' updaters run side by side: the bridge's beta offer is still there.
      expect(result.response[BRIDGE]).toMatchObject({ new_version: "1.3.0-beta.1" });
    });

    it("tells a site on a withdrawn (deprecated) release why, on the Plugins screen", async () => {
      const page = await fetch(`${site.url}/wp-admin/plugins.php`, { headers: { cookie: await site.adminCookie() } });
      const html = await page.text();
      expect(html).toContain(`Version 1.0.0 was withdrawn. ${WITHDRAWN_REASON.replace("'", "&#039;")}`);
    });

    it("offers it to a site inside the rollout (and agrees with the Worker)", async () => {
      expect(rolloutBucket(SCRATCH_SLUG, ROLLOUT_VERSION, inside)).toBeLessThan(ROLLOUT_PERCENT);
      await useSiteId(inside);
      const result = await check();
      expect(result.response[SCRATCH]).toMatchObject({ new_version: ROLLOUT_VERSION, slug: SCRATCH_SLUG });
      expect(await workerOffer(inside, phpVersion)).toBe(ROLLOUT_VERSION);
    });

    it("issue 11 item 6: the settings page shows the channel and where this site falls in the rollout", async () => {
      for (const id of [inside, outside]) {
        await useSiteId(id);
        const bucket = rolloutBucket(SCRATCH_SLUG, ROLLOUT_VERSION, id);
        const html = await adminPage(`options-general.php?page=${SCRATCH_PREFIX}`);
        expect(html).toContain("Channel</th><td>stable</td>");
        expect(html).toContain(`Rollout site id</th><td>${id}</td>`);
        // 3.0.0 needs a PHP this site does not have: 2.0.0 is the newest for it.
        expect(html).toContain(
          `Rollout</th><td>${ROLLOUT_VERSION} goes to ${ROLLOUT_PERCENT}% of sites, those in buckets 0-${ROLLOUT_PERCENT - 1}; this site is in bucket ${bucket}: ${
            id === inside ? "inside the rollout" : `outside, until the rollout reaches ${bucket + 1}%`
          }</td>`,
        );
      }
    });

    it("issue 11 item 8: the details dialog says tested with this WordPress (6.1 is 6.1.x) and lists only the changelog of releases this site will get", async () => {
      await useSiteId(inside);
      const wordpress = await php<string>("return get_bloginfo( 'version' );");
      expect(wordpress).toMatch(new RegExp(`^${ROLLOUT_TESTED_WP.replace(".", "\\.")}\\.\\d+$`));
      const result = await check();
      expect(result.response[SCRATCH]).toMatchObject({ new_version: ROLLOUT_VERSION, tested: wordpress });
      const info = await php<PluginInfo>(
        `return plugins_api( 'plugin_information', array( 'slug' => '${SCRATCH_SLUG}' ) );`,
      );
      expect(info).toMatchObject({ version: ROLLOUT_VERSION, tested: wordpress });
      const dialog = await adminPage(
        `plugin-install.php?tab=plugin-information&plugin=${SCRATCH_SLUG}&section=changelog`,
      );
      expect(dialog).toContain(`Scratch ${ROLLOUT_VERSION}.`);
      expect(dialog).not.toContain("has not been tested");
      // Not 3.0.0 (its PHP is not this site's), not 1.0.0 (installed, and withdrawn).
      expect(dialog).not.toContain(`Scratch ${PHP_INCOMPATIBLE_VERSION}.`);
      expect(dialog).not.toContain("Scratch 1.0.0.");
    });

    it("issue 9 item 10: offers a site on 2.0.0-pre.1 the release 2.0.0 through the Update URI route too", async () => {
      // Core itself files an Update URI answer under no_update when version_compare() says it is
      // not newer ("2.0.0" vs "2.0.0-pre.1"); the updater's own answer in the transient wins.
      const main = path.join(site.pluginsDir, SCRATCH);
      const original = readFileSync(main, "utf8");
      expect(original).toMatch(/^ \* Version: 1\.0\.0$/m);
      writeFileSync(main, original.replace(/^ \* Version: 1\.0\.0$/m, " * Version: 2.0.0-pre.1"));
      try {
        await useSiteId(inside);
        const result = await check();
        expect(result.versions[SCRATCH]).toBe("2.0.0-pre.1");
        expect(result.response[SCRATCH]).toMatchObject({ new_version: ROLLOUT_VERSION });
        expect(result.no_update[SCRATCH]).toBeUndefined();
      } finally {
        writeFileSync(main, original);
      }
    });

    it("does not offer a release whose PHP requirement this site does not meet", async () => {
      const releases = JSON.parse(readFileSync(path.join(feed.dist, "plugins", SCRATCH_SLUG, "releases.json"), "utf8"));
      expect(releases.latest.stable).toBe(PHP_INCOMPATIBLE_VERSION);
      expect(releases.releases[0]).toMatchObject({ version: PHP_INCOMPATIBLE_VERSION, requires_php: "99.0" });
      await useSiteId(inside);
      const result = await check();
      // The newest release is 3.0.0, but this PHP cannot run it: the site gets 2.0.0.
      expect(result.response[SCRATCH]?.new_version).toBe(ROLLOUT_VERSION);
      expect(await workerOffer(inside, phpVersion)).toBe(ROLLOUT_VERSION);
      expect(await workerOffer(inside, "99.1.0")).toBe(PHP_INCOMPATIBLE_VERSION);
    });

    it("answers the Update URI route for its own plugin file only", async () => {
      const answers = await php<{ own: UpdateItem | false; other: UpdateItem | false }>(`
			$data = get_plugin_data( WP_PLUGIN_DIR . '/${SCRATCH}', false, false );
			return array(
				'own'   => apply_filters( 'update_plugins_${SCRATCH_UPDATE_HOST}', false, $data, '${SCRATCH}', array() ),
				'other' => apply_filters( 'update_plugins_${SCRATCH_UPDATE_HOST}', false, $data, 'hello.php', array() ),
			);
		`);
      expect(answers.own).toMatchObject({ slug: SCRATCH_SLUG, new_version: ROLLOUT_VERSION, plugin: SCRATCH });
      expect(answers.other).toBe(false);
    });

    describe("issue 14 item 4: the rollout guard halts a 50% rollout whose sites report errors", () => {
      const stats = async () =>
        (await fetch(`${server.url}/api/plugins/${SCRATCH_SLUG}/stats/`, {
          headers: { authorization: `Bearer ${ADMIN_TOKEN}` },
        }).then((response) => response.json())) as { rollouts: RolloutStatus[] };
      const guarded = async () => (await stats()).rollouts.find((rollout) => rollout.version === ROLLOUT_VERSION);
      /** A site of the simulated fleet reports: registered on the release, then its health. */
      const report = async (site: { site_id: string; api_key: string }, action: string, body: object) => {
        const response = await fetch(`${server.url}/api/plugins/${SCRATCH_SLUG}/${action}/`, {
          method: "POST",
          headers: { "content-type": "application/json", authorization: `Api-Key ${site.api_key}` },
          body: JSON.stringify({ site_id: site.site_id, version: ROLLOUT_VERSION, ...body }),
        });
        expect(response.status, await response.text()).toBe(action === "register" ? 201 : 200);
      };
      /** The package fetched straight from its URL, as a browser or another client would. */
      const packageStatus = async (query = "") => {
        const response = await fetch(
          `${server.url}/plugins/${SCRATCH_SLUG}/${SCRATCH_SLUG}-v${ROLLOUT_VERSION}.zip${query}`,
        );
        return { status: response.status, body: response.status === 200 ? null : await response.json() };
      };
      /** "Update now" with the release's package handed to WordPress whether or not it is offered. */
      const forcedUpgrade = () =>
        php<UpgradeResult>(`
			add_filter( 'site_transient_update_plugins', function ( $value ) {
				if ( is_object( $value ) ) {
					$value->response['${SCRATCH}'] = (object) array(
						'slug'        => '${SCRATCH_SLUG}',
						'plugin'      => '${SCRATCH}',
						'new_version' => '${ROLLOUT_VERSION}',
						'package'     => get_option( 'fwtest_feed_url' ) . '/plugins/${SCRATCH_SLUG}/${SCRATCH_SLUG}-v${ROLLOUT_VERSION}.zip',
					);
				}
				return $value;
			}, 99 );
			${upgrade(SCRATCH).replace(/^\s*/, "")}
		`);

      it("the guard waits until min_sites sites on the release report, then trips on their errors", async () => {
        expect(await packageStatus()).toEqual({ status: 200, body: null });
        const [last, ...first] = [...guardFleet].reverse();
        for (const site of first.reverse()) {
          await report(site, "register", { wp_version: "6.1.9", php_version: "8.2.0" });
          await report(site, "health-check", { status: "error" });
        }
        // Every one of them reports errors, but fewer than min_sites have reported: no verdict yet.
        const waiting = await guarded();
        expect(waiting).toMatchObject({ state: "rolling", rollout: ROLLOUT_PERCENT, halt: null });
        expect(waiting?.judgement).toMatchObject({ waiting: true, tripped: false });
        await report(last as SimulatedFleetSite, "register", { wp_version: "6.1.9", php_version: "8.2.0" });
        const halted = await guarded();
        expect(halted).toMatchObject({ state: "halted", halt: { by: "guard", action: "halt" } });
        expect(halted?.figures).toMatchObject({ sites: GUARD_MIN_SITES, errors: GUARD_MIN_SITES - 1 });
        expect(halted?.halt?.reason).toContain(`${ROLLOUT_VERSION}: error share`);
      });

      /** The site is offered the halted release by neither its updater nor the Worker, and "Update now" fails. */
      const expectHeldBack = async (siteId: string) => {
        await useSiteId(siteId);
        const result = await check();
        expect(result.response[SCRATCH]).toBeUndefined();
        expect(await workerOffer(siteId, phpVersion)).toBeNull();
        const refused = await forcedUpgrade();
        expect(refused.version).toBe("1.0.0");
        expect(refused.errors).toContain("paused the rollout");
      };

      it("a site inside the rollout is no longer offered it, by its updater or the Worker, and cannot download it", async () => {
        await expectHeldBack(inside);
      });

      it("a site outside the rollout is not offered it and cannot download it", async () => {
        await expectHeldBack(outside);
        const direct = await packageStatus();
        expect(direct.status).toBe(409);
        expect(direct.body).toMatchObject({ error: { code: "rollout_halted" } });
        // A site already on the release may fetch it again (a repair).
        expect((await packageStatus(`?installed=${ROLLOUT_VERSION}`)).status).toBe(200);
      });

      it("feedwright rollout resume restores it: offered inside the rollout again, downloadable by anyone", async () => {
        const resumed = await runFeedwright(
          ["rollout", "resume", SCRATCH_SLUG, ROLLOUT_VERSION, "--url", server.url, "--reason", "fixed upstream"],
          { cwd: ROOT, env: { ...process.env, ADMIN_TOKEN } },
        );
        expect(resumed.code, resumed.stderr).toBe(0);
        expect(await guarded()).toMatchObject({ state: "resumed", halt: null });
        await useSiteId(inside);
        expect((await check()).response[SCRATCH]).toMatchObject({ new_version: ROLLOUT_VERSION });
        expect(await workerOffer(inside, phpVersion)).toBe(ROLLOUT_VERSION);
        expect(await packageStatus()).toEqual({ status: 200, body: null });
      });
    });

    it("updates into the folder the plugin was installed in", async () => {
      await useSiteId(inside);
      await check();
      const result = await php<UpgradeResult>(upgrade(SCRATCH));
      expect(result).toMatchObject({ ok: true, codes: [], version: ROLLOUT_VERSION, active: true });
      expect(readFileSync(path.join(site.pluginsDir, SCRATCH), "utf8")).toContain(`Version: ${ROLLOUT_VERSION}`);
      expect(existsSync(path.join(site.pluginsDir, SCRATCH_SLUG))).toBe(false);
    });
  });

  it("keeps the last good offer when the feed server is down, and backs off", async () => {
    await server.stop();
    const down = await check();
    expect(down.response[BRIDGE]).toMatchObject({ new_version: "1.3.0-beta.1" });
    expect(down.no_update[SCRATCH]).toMatchObject({ new_version: ROLLOUT_VERSION });
    expect(down.state.failures).toBe(1);
    expect(down.state.last_error).toContain("feed.json");
    expect(down.state.next_retry_at).toBeGreaterThan(Date.now() / 1000 + 600);
    // Within the back-off nothing is fetched, and the offer still stands.
    const again = await check();
    expect(again.state.failures).toBe(1);
    expect(again.response[BRIDGE]).toMatchObject({ new_version: "1.3.0-beta.1" });
  });

  it("logged no PHP error, warning or notice from the updater", () => {
    const log = (() => {
      try {
        return readFileSync(site.debugLog, "utf8");
      } catch {
        return "";
      }
    })();
    // The updater's file, and (from updater version 2) the folder of its classes beside it.
    expect(log.split("\n").filter((line) => line.includes("feedwright-updater"))).toEqual([]);
  });
});
