/**
 * Issue 14 item 2 in a real WordPress: the updater inside the plugin (version 4 on) says on the
 * download request what started it, and the Worker (served by `npm run dev`) records that kind.
 * An automatic background update, run by WordPress's own WP_Automatic_Updater through WP-Cron
 * with auto-updates enabled for the plugin, is `auto_update`; a person's update is `manual`,
 * whether from update.php (Plugin_Upgrader_Skin) or the Plugins screen's "Update now"
 * (WP_Ajax_Upgrader_Skin, which extends the automatic updater's skin), and through a private
 * plugin's signed download URL too. Each kind is read back from the Worker's /stats/.
 *
 * The downloads are WordPress's own HTTP requests (user agent "WordPress/..."), which the
 * Worker counted as `auto_update` when a request said no kind: a `manual` here is the
 * updater's word, not the Worker's guess. Last, the settings page's "Rollout paused" row
 * (issue 14 item 4); the rollout guard end to end in WordPress is not here: it needs the
 * Worker's holds, which this branch does not have.
 */
import { randomBytes } from "node:crypto";
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { DownloadRecord, FreshFigures } from "../../scripts/contract/index.ts";
import { NEWEST_UPDATER } from "../support/updater-php.ts";
import { addSite, type FeedServer, startFeedServerAndWordPress } from "./feed-server.ts";
import {
  BRIDGE_SLUG,
  buildFixtureFeed,
  type FixtureFeed,
  PRIVATE_SLUG,
  ROLLOUT_PERCENT,
  ROLLOUT_VERSION,
  SCRATCH_SLUG,
  siteIdFor,
} from "./fixture-feed.ts";
import { ensurePackages, OFFLINE_LOOPBACK_SEAMS, testFeedSeams, type WordPressSite, waitFor } from "./harness.ts";
import { installAndActivate, type UpgradeResult, upgrade } from "./wordpress-steps.ts";

const BRIDGE = `${BRIDGE_SLUG}/igny8-bridge.php`;
const SCRATCH = `${SCRATCH_SLUG}/feedwright-scratch.php`;
const PRIVATE = `${PRIVATE_SLUG}/feedwright-private.php`;
const BRIDGE_PREFIX = "feedwright_igny8_wp_bridge";
const SCRATCH_PREFIX = "feedwright_feedwright_scratch";
const PRIVATE_PREFIX = "feedwright_feedwright_private";
const SITE_ID = "site-kind";
const ADMIN_TOKEN = randomBytes(16).toString("hex");
const DOWNLOAD_URL_KEY = randomBytes(16).toString("hex");

/**
 * Test seams, as a must-use plugin; never part of a package. The harness's wp-config.php sets
 * AUTOMATIC_UPDATER_DISABLED; `fwtest_background_updates` lifts it through core's own filter,
 * as a site that allows background updates has it.
 */
const TEST_SEAMS = `<?php
/**
 * Plugin Name: feedwright test seams
 * Description: Offline wordpress.org, loopback downloads, the feed the tests serve, background updates on demand.
 */
${OFFLINE_LOOPBACK_SEAMS}
add_filter(
	'automatic_updater_disabled',
	function ( $disabled ) {
		return get_option( 'fwtest_background_updates' ) ? false : $disabled;
	}
);
${testFeedSeams([BRIDGE_PREFIX, SCRATCH_PREFIX, PRIVATE_PREFIX])}
`;

/** WordPress's own update check, as if its 12 hours were up: the version each plugin is offered. */
const CHECK = `
	delete_site_transient( 'update_plugins' );
	wp_update_plugins();
	$transient = get_site_transient( 'update_plugins' );
	return (object) array_map( function ( $item ) { return $item->new_version; }, $transient->response );
`;

/** The installed version of a plugin, read from its header again. */
const versionOf = (plugin: string) => `
	wp_cache_delete( 'plugins', 'plugins' );
	$plugins = get_plugins();
	return isset( $plugins['${plugin}'] ) ? $plugins['${plugin}']['Version'] : null;
`;

describe("issue 14 item 2: the Worker records what started each download the updater makes", () => {
  let dir: string;
  let feed: FixtureFeed;
  let server: FeedServer;
  let site: WordPressSite;
  let bridgeKey: string;
  const started = Date.now();
  const php = <T>(code: string) => site.php<T>(code);
  const check = () => php<Record<string, string>>(CHECK);
  const packagePath = (slug: string, version: string) =>
    path.join(feed.dist, "plugins", slug, `${slug}-v${version}.zip`);
  /** The Worker's newest download records of a plugin, as GET /stats/ answers them. */
  const recentDownloads = async (slug: string): Promise<DownloadRecord[]> => {
    const response = await fetch(`${server.url}/api/plugins/${slug}/stats/`, {
      headers: { authorization: `Bearer ${ADMIN_TOKEN}` },
    });
    expect(response.status).toBe(200);
    return ((await response.json()) as FreshFigures).recent_downloads;
  };

  beforeAll(async () => {
    await ensurePackages();
    dir = mkdtempSync(path.join(tmpdir(), "fw-wpkind-"));
    const stateDir = path.join(dir, "wrangler-state");
    feed = await buildFixtureFeed(dir);
    // Before npm run dev starts: wrangler's local KV must not be written by two processes at once.
    bridgeKey = await addSite(stateDir, SITE_ID, BRIDGE_SLUG);
    const privateKey = await addSite(stateDir, SITE_ID, PRIVATE_SLUG);
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
    await php(`
		update_option( 'fwtest_feed_url', '${server.url}' );
		update_option( 'fwtest_api_base', '${server.url}/api' );
		update_option( '${PRIVATE_PREFIX}_api_key', '${privateKey}' );
		return true;
	`);
    console.info(`WordPress download-kind setup: ${((Date.now() - started) / 1000).toFixed(1)} s`);
  });

  afterAll(async () => {
    await Promise.allSettled([site?.stop(), server?.stop()]);
    if (dir) rmSync(dir, { recursive: true, force: true });
    console.info(`WordPress download-kind tests: ${((Date.now() - started) / 1000).toFixed(1)} s in all`);
  });

  it("an automatic background update (WP_Automatic_Updater, run by WP-Cron, auto-updates on for the plugin) is recorded as auto_update", async () => {
    const installed = await php<{ installed: boolean; activated: boolean; version: string }>(
      installAndActivate(
        packagePath(BRIDGE_SLUG, "1.1.1"),
        BRIDGE,
        `update_option( 'igny8_bridge_site_id', '${SITE_ID}' ); update_option( 'igny8_bridge_api_key', '${bridgeKey}' );`,
      ),
    );
    expect(installed).toMatchObject({ installed: true, activated: true, version: "1.1.1" });
    // The fixture's releases record no updater version: they carry the newest, which says the kind.
    const updater = path.join(site.pluginsDir, BRIDGE_SLUG, "includes", "feedwright-updater.php");
    expect(readFileSync(updater, "utf8")).toContain(`(feedwright updater ${NEWEST_UPDATER.version})`);
    expect((await check())[BRIDGE]).toBe("1.2.0");
    expect(await recentDownloads(BRIDGE_SLUG)).toEqual([]);
    // Auto-updates on for the plugin (the Plugins screen's "Enable auto-updates"), background
    // updates allowed, and core's twice-daily event due: what a visit or a system cron then runs.
    await php(`
		update_site_option( 'auto_update_plugins', array( '${BRIDGE}' ) );
		update_option( 'fwtest_background_updates', 1 );
		wp_clear_scheduled_hook( 'wp_maybe_auto_update' );
		wp_schedule_event( time() - 60, 'twicedaily', 'wp_maybe_auto_update' );
		return true;
	`);
    const cron = await fetch(`${site.url}/wp-cron.php`);
    expect(cron.status).toBe(200);
    await waitFor(
      "the background update to install 1.2.0",
      async () => ((await php<string | null>(versionOf(BRIDGE))) === "1.2.0" ? true : null),
      { timeoutMs: 60_000, intervalMs: 500 },
    );
    await php("update_option( 'fwtest_background_updates', 0 ); return true;");
    const records = await recentDownloads(BRIDGE_SLUG);
    expect(records.map((record) => [record.version, record.kind])).toEqual([["1.2.0", "auto_update"]]);
    expect(records[0]?.user_agent).toMatch(/^WordPress\//);
  });

  it("a person's update from update.php (Plugin_Upgrader_Skin) is recorded as manual", async () => {
    // The scratch plugin, on a site inside its 50% rollout of 2.0.0.
    const inside = siteIdFor(SCRATCH_SLUG, ROLLOUT_VERSION, ROLLOUT_PERCENT, true, "kind");
    const installed = await php<{ installed: boolean; activated: boolean; version: string }>(
      installAndActivate(
        packagePath(SCRATCH_SLUG, "1.0.0"),
        SCRATCH,
        `update_option( '${SCRATCH_PREFIX}_site_id', '${inside}' );`,
      ),
    );
    expect(installed).toMatchObject({ installed: true, activated: true, version: "1.0.0" });
    expect((await check())[SCRATCH]).toBe(ROLLOUT_VERSION);
    // What wp-admin/update.php?action=upgrade-plugin does once its nonce is checked.
    const result = await php<{ result: unknown; version: string | null }>(`
		$plugin = '${SCRATCH}';
		$title  = 'Update Plugin';
		$nonce  = 'upgrade-plugin_' . $plugin;
		$url    = 'update.php?action=upgrade-plugin&plugin=' . urlencode( $plugin );
		ob_start();
		$upgrader = new Plugin_Upgrader( new Plugin_Upgrader_Skin( compact( 'title', 'nonce', 'url', 'plugin' ) ) );
		$result   = $upgrader->upgrade( $plugin );
		ob_end_clean();
		wp_cache_delete( 'plugins', 'plugins' );
		$plugins = get_plugins();
		return array( 'result' => is_wp_error( $result ) ? $result->get_error_message() : $result, 'version' => $plugins[ $plugin ]['Version'] );
	`);
    expect(result).toEqual({ result: true, version: ROLLOUT_VERSION });
    const records = await recentDownloads(SCRATCH_SLUG);
    expect(records.map((record) => [record.version, record.kind])).toEqual([[ROLLOUT_VERSION, "manual"]]);
    // WordPress's own user agent, which the Worker alone would have taken for a background update.
    expect(records[0]?.user_agent).toMatch(/^WordPress\//);
  });

  it("the Plugins screen's Update now (WP_Ajax_Upgrader_Skin) of a private plugin, through its signed download URL, is recorded as manual", async () => {
    // 1.1.0 carries the newest updater; its header made to say 1.0.5, so 1.1.0 is offered.
    const installed = await php<{ installed: boolean; activated: boolean; version: string }>(
      installAndActivate(packagePath(PRIVATE_SLUG, "1.1.0"), PRIVATE),
    );
    expect(installed).toMatchObject({ installed: true, activated: true, version: "1.1.0" });
    const main = path.join(site.pluginsDir, PRIVATE);
    writeFileSync(main, readFileSync(main, "utf8").replace(/^ \* Version: 1\.1\.0$/m, " * Version: 1.0.5"));
    expect(await php<string | null>(versionOf(PRIVATE))).toBe("1.0.5");
    expect((await check())[PRIVATE]).toBe("1.1.0");
    const result = await php<UpgradeResult>(upgrade(PRIVATE));
    expect(result).toMatchObject({ ok: true, codes: [], version: "1.1.0", active: true });
    const records = await recentDownloads(PRIVATE_SLUG);
    expect(records.map((record) => [record.version, record.kind])).toEqual([["1.1.0", "manual"]]);
  });

  it("issue 14 item 4: the settings page says which releases are held back", async () => {
    // As a check leaves the state when the update service lists 1.3.0-beta.1 as halted.
    await php(`
		$state         = get_option( '${BRIDGE_PREFIX}_state' );
		$state['held'] = array( '1.3.0-beta.1' );
		update_option( '${BRIDGE_PREFIX}_state', $state, false );
		return true;
	`);
    const page = await fetch(`${site.url}/wp-admin/options-general.php?page=${BRIDGE_PREFIX}`, {
      headers: { cookie: await site.adminCookie() },
    });
    expect(await page.text()).toContain(
      `Rollout paused</th><td>the vendor holds back 1.3.0-beta.1 until its rollout resumes (asked at ${server.url}/api/plugins/${BRIDGE_SLUG}/rollout/)</td>`,
    );
  });

  it("logged no PHP error, warning or notice from the updater", () => {
    const log = (() => {
      try {
        return readFileSync(site.debugLog, "utf8");
      } catch {
        return "";
      }
    })();
    expect(log.split("\n").filter((line) => line.includes("feedwright-updater"))).toEqual([]);
  });
});
