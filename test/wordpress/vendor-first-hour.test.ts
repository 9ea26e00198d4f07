/**
 * Issue 11: a new vendor's first hour, end to end, with nothing but the commands the README
 * gives them: `feedwright init` in an empty repository, code, `release`, `promote`, served by
 * `feedwright dev` (npm run dev for their repository), 1.0.0 installed in a real WordPress and
 * upgraded to 1.1.0 by the updater the build put in it; the site registered and reporting the
 * new version right after the upgrade. Then the same feed read by the unchanged
 * plugin-update-checker 5.7 (test/wordpress/plugin-update-checker/), as a vendor who already
 * ships that library would: it upgrades the plugin from info.json.
 */
import { randomBytes } from "node:crypto";
import { readFileSync, rmSync, writeFileSync } from "node:fs";
import path from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { OFFLINE_ENV } from "../../scripts/io/wrangler.ts";
import { createScratchRepo, type ScratchRepo, TEST_ENV } from "../support/scratch-repo.ts";
import { listInstallations } from "./feed-server.ts";
import {
  ensurePackages,
  freePort,
  OFFLINE_LOOPBACK_SEAMS,
  type Service,
  startService,
  startWordPress,
  type WordPressSite,
  waitFor,
} from "./harness.ts";
import { installAndActivate, type UpgradeResult, upgrade } from "./wordpress-steps.ts";

const SLUG = "acme-notes";
const PLUGIN = `${SLUG}/${SLUG}.php`;
const PREFIX = "feedwright_acme_notes";
const SITE_ID = "acme-customer-1";
/** Production, which this offline machine cannot reach: the site is pointed at the dev server by wp-config.php. */
const API_BASE = "https://updates.acme.example/api";
const CLI = path.resolve(import.meta.dirname, "..", "..", "scripts", "bin", "feedwright.js");
const PUC = path.resolve(import.meta.dirname, "plugin-update-checker", "plugin-update-checker.php");

/** The vendor's steps for one version: code, `release`, the changelog, commit, `promote`, commit. */
async function shipVersion(repo: ScratchRepo, version: string, code: string): Promise<void> {
  repo.write(`source/${SLUG}/includes/notes.php`, code);
  const main = repo.read(`source/${SLUG}/${SLUG}.php`);
  if (!main.includes("includes/notes.php"))
    repo.write(`source/${SLUG}/${SLUG}.php`, `${main}require_once __DIR__ . '/includes/notes.php';\n`);
  const release = await repo.feedwright("release", SLUG, version);
  expect(release.code, release.stderr).toBe(0);
  const yamlPath = `releases/${SLUG}/${version}.yaml`;
  repo.write(yamlPath, repo.read(yamlPath).replace(/- Describe what changed[^\n]*/, `- Notes ${version}.`));
  repo.commit(`Start ${version}`);
  const promote = await repo.feedwright("promote", SLUG, version, "released");
  expect(promote.code, promote.stderr).toBe(0);
  repo.commit(`Release ${version}`);
}

describe("issue 11: a new vendor's first hour, from feedwright init to an update in WordPress", () => {
  let repo: ScratchRepo;
  let dev: Service;
  let devUrl: string;
  let site: WordPressSite;
  const php = <T>(code: string) => site.php<T>(code);
  const zip = (version: string) => path.join(repo.root, "dist", "plugins", SLUG, `${SLUG}-v${version}.zip`);
  const reported = async () =>
    (await listInstallations(path.join(repo.root, ".wrangler", "state"), `site:${SLUG}:`)).map((key) => [
      key.name,
      key.metadata?.v,
    ]);

  beforeAll(async () => {
    await ensurePackages();
    repo = createScratchRepo();
    const init = await repo.feedwright(
      "init",
      SLUG,
      "--yes",
      "--name",
      "Acme Notes",
      "--author",
      "Acme",
      "--homepage",
      "https://acme.example/notes",
      "--api-base",
      API_BASE,
    );
    expect(init.code, init.stderr).toBe(0);
    repo.commit("Start acme-notes");
    await shipVersion(repo, "1.0.0", "<?php\nfunction acme_notes_title() {\n\treturn 'Notes';\n}\n");
    await shipVersion(repo, "1.1.0", "<?php\nfunction acme_notes_title() {\n\treturn 'Team notes';\n}\n");
    expect((await repo.feedwright("check")).code).toBe(0);
    // The site's API key, issued before the dev server holds the local state.
    const key = await repo.feedwrightWithEnv({ ...TEST_ENV, ...OFFLINE_ENV }, "sites", "add", SITE_ID, "--slug", SLUG);
    expect(key.code, key.stderr).toBe(0);
    const apiKey = key.stdout.trim();

    const port = await freePort();
    devUrl = `http://127.0.0.1:${port}`;
    dev = startService("feedwright dev", process.execPath, [CLI, "dev", "--root", repo.root, "--port", String(port)], {
      cwd: repo.root,
      env: { ...TEST_ENV, ...OFFLINE_ENV, ADMIN_TOKEN: randomBytes(16).toString("hex") },
    });
    const [served, wordpress] = await Promise.allSettled([
      waitFor(
        `feedwright dev on ${devUrl}`,
        async () => {
          if (dev.child.exitCode !== null) throw new Error(`it exited:\n${dev.output().slice(-3000)}`);
          return (await fetch(`${devUrl}/feed.json`).catch(() => null))?.ok ? true : null;
        },
        { timeoutMs: 120_000, intervalMs: 300 },
      ),
      startWordPress({ muPlugins: { "feedwright-test-seams.php": `<?php\n${OFFLINE_LOOPBACK_SEAMS}\n` } }).then(
        (started) => {
          site = started;
        },
      ),
    ]);
    for (const outcome of [served, wordpress]) if (outcome.status === "rejected") throw outcome.reason;
    // README, "Setting up a site": the site owner points the plugin at the feed in wp-config.php.
    const config = path.join(site.root, "wp-config.php");
    const settings = "require_once ABSPATH . 'wp-settings.php';";
    writeFileSync(
      config,
      readFileSync(config, "utf8").replace(
        settings,
        `define( 'FEEDWRIGHT_ACME_NOTES_FEED_URL', '${devUrl}' );\n${settings}`,
      ),
    );
    await php(
      `update_option( '${PREFIX}_site_id', '${SITE_ID}' ); update_option( '${PREFIX}_api_key', '${apiKey}' ); return true;`,
    );
  });

  afterAll(async () => {
    await Promise.allSettled([site?.stop(), dev?.stop()]);
    repo?.cleanup();
  });

  it("serves documents that point at the dev server, and packages that carry the vendor's api_base", async () => {
    const info = (await (await fetch(`${devUrl}/plugins/${SLUG}/info.json`)).json()) as Record<string, unknown>;
    expect(info).toMatchObject({ version: "1.1.0", name: "Acme Notes" });
    expect(String(info.download_url).startsWith(`${devUrl}/api/plugins/${SLUG}/download/`)).toBe(true);
  });

  it("installs 1.0.0, and activation registers the site at 1.0.0", async () => {
    const result = await php<{ installed: boolean; activated: boolean; version: string; errors: string }>(
      installAndActivate(zip("1.0.0"), PLUGIN),
    );
    expect(result).toMatchObject({ installed: true, activated: true, version: "1.0.0" });
    expect(await reported()).toEqual([[`site:${SLUG}:${SITE_ID}`, "1.0.0"]]);
  });

  it("is offered 1.1.0 by its updater, upgrades, and reports 1.1.0 right after the upgrade", async () => {
    const offered = await php<{ version?: string; package?: string }>(`
			delete_site_transient( 'update_plugins' );
			wp_update_plugins();
			$transient = get_site_transient( 'update_plugins' );
			$item      = isset( $transient->response['${PLUGIN}'] ) ? $transient->response['${PLUGIN}'] : null;
			return $item ? array( 'version' => $item->new_version, 'package' => $item->package ) : array();
		`);
    expect(offered).toEqual({ version: "1.1.0", package: `${devUrl}/plugins/${SLUG}/${SLUG}-v1.1.0.zip` });
    const upgraded = await php<UpgradeResult>(upgrade(PLUGIN));
    expect(upgraded).toMatchObject({ ok: true, version: "1.1.0", active: true });
    expect(readFileSync(path.join(site.pluginsDir, SLUG, "includes", "notes.php"), "utf8")).toContain("Team notes");
    // No cron run, no admin page: the upgrade itself reported the new version.
    expect(await reported()).toEqual([[`site:${SLUG}:${SITE_ID}`, "1.1.0"]]);
  });

  it("is upgraded from info.json by plugin-update-checker 5.7, unchanged, in a plugin that ships it instead", async () => {
    // The vendor's 1.0.0 as it would ship with that library: feedwright's updater left out
    // (the main file requires it only when present), the library loaded for the plugin.
    const removed = await php<boolean>(`
			deactivate_plugins( '${PLUGIN}' );
			delete_plugins( array( '${PLUGIN}' ) );
			return ! file_exists( WP_PLUGIN_DIR . '/${SLUG}' );
		`);
    expect(removed).toBe(true);
    const reinstalled = await php<{ installed: boolean; version: string }>(installAndActivate(zip("1.0.0"), PLUGIN));
    expect(reinstalled).toMatchObject({ installed: true, version: "1.0.0" });
    rmSync(path.join(site.pluginsDir, SLUG, "includes", "feedwright-updater.php"));
    rmSync(path.join(site.pluginsDir, SLUG, "includes", "feedwright-updater"), { recursive: true, force: true });
    const loader = `<?php
require_once ${JSON.stringify(PUC)};
$GLOBALS['acme_notes_update_checker'] = \\YahnisElsts\\PluginUpdateChecker\\v5\\PucFactory::buildUpdateChecker(
	'${devUrl}/plugins/${SLUG}/info.json',
	WP_PLUGIN_DIR . '/${PLUGIN}',
	'${SLUG}'
);
`;
    writeFileSync(path.join(site.root, "wp-content", "mu-plugins", "acme-notes-puc.php"), loader);
    const found = await php<{ version: string; download_url: string } | null>(`
			// What the library's own scheduler does when its check is due.
			$GLOBALS['acme_notes_update_checker']->checkForUpdates();
			delete_site_transient( 'update_plugins' );
			wp_update_plugins();
			$transient = get_site_transient( 'update_plugins' );
			$item      = isset( $transient->response['${PLUGIN}'] ) ? $transient->response['${PLUGIN}'] : null;
			return $item ? array( 'version' => $item->new_version, 'download_url' => $item->package ) : null;
		`);
    expect(found?.version).toBe("1.1.0");
    expect(found?.download_url.startsWith(`${devUrl}/api/plugins/${SLUG}/download/`)).toBe(true);
    const upgraded = await php<UpgradeResult>(upgrade(PLUGIN));
    expect(upgraded).toMatchObject({ ok: true, version: "1.1.0", active: true });
  });
});
