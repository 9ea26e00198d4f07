/**
 * The feed the WordPress tests serve: this repository's example releases (cloned, so the
 * pinned source commits are there), rebuilt with a test key that plugin.yaml pins, plus a
 * second feedwright plugin ("feedwright-scratch") whose releases exercise rollout and PHP
 * requirements and whose header has an Update URI. Also copies of the feed with a bad 1.2.0
 * package: one byte flipped; one byte flipped and signed by another key; no .sig at all (and a
 * package the feed does not list); three with a feed.json a site must refuse: an older serial,
 * past its expiry, signed by another key; and one whose info.json was edited.
 */
import { execFileSync } from "node:child_process";
import { createHash } from "node:crypto";
import { cpSync, mkdirSync, readdirSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import path from "node:path";
import { parseDocument } from "yaml";
import { main } from "../../scripts/cli.ts";
import { toCanonicalJson } from "../../scripts/core/documents.ts";
import { parseSigningKey, renderSignatureFile } from "../../scripts/core/signing.ts";
import { generateSeed } from "../../scripts/io/keys.ts";

const ROOT = path.resolve(import.meta.dirname, "..", "..");
export const BRIDGE_SLUG = "igny8-wp-bridge";
export const SCRATCH_SLUG = "feedwright-scratch";
export const SCRATCH_UPDATE_HOST = "updates.example.invalid";
/** The scratch release only part of the sites get. */
export const ROLLOUT_VERSION = "2.0.0";
export const ROLLOUT_PERCENT = 50;
/** The rollout release's guard: halted once this many of its sites report and their error share is 20 points above none. */
export const GUARD_MIN_SITES = 6;
export const GUARD_MAX_ERROR_RISE_POINTS = 20;
/** Its tested_wp: major.minor, as plugin.yaml writes it, of the WordPress the tests run (6.1.x). */
export const ROLLOUT_TESTED_WP = "6.1";
/** Why the scratch plugin's 1.0.0 was withdrawn (deprecated): sites on it are told. */
export const WITHDRAWN_REASON = "It could delete the wrong posts; update to 2.0.0.";
/** The scratch release no PHP of this machine can run. */
export const PHP_INCOMPATIBLE_VERSION = "3.0.0";
/** A third plugin whose downloads need a signed URL (private: true). */
export const PRIVATE_SLUG = "feedwright-private";
/**
 * The private plugin's release built with updater version 1, as packages released before
 * feedwright versioned its updater are: a site on it must still update (to one with the newest).
 */
export const PRIVATE_OLD_UPDATER_VERSION = "1.0.0";
/** What the edited info.json of `tamperedInfo` says: a site must never show it. */
export const TAMPERED_INFO_MARK = "Download the real update from evil.example";
/** In `tampered.noSignature`: a package the feed does not list (1.2.0 with a byte flipped), no .sig. */
export const UNLISTED_PACKAGE = `${BRIDGE_SLUG}-unlisted.zip`;

export interface FixtureFeed {
  repo: string;
  dist: string;
  publicKey: string;
  /** Folders holding a copy of the feed with a bad 1.2.0 package. */
  tampered: { flipped: string; otherKey: string; noSignature: string };
  /**
   * The bridge's 1.2.0 package with one byte flipped (bytes no release has), the genuine
   * package's signature, and a signature of the flipped bytes by the test key.
   */
  flippedPackage: { bytes: Buffer; genuineSignature: string; signedByTestKey: string };
  /** A copy of the feed whose info.json (not vouched for by the signed feed) was edited. */
  tamperedInfo: string;
  /** Folders holding a copy of the feed whose feed.json must be refused. */
  badFeeds: { replayed: string; expired: string; otherKey: string };
  /**
   * Key rotation: `announcing` is the feed signed by the pinned key and announcing a next key;
   * `rotated` is signed only by that next key (feed and the 1.3.0-beta.1 package).
   */
  rotation: { announcing: string; rotated: string; nextKey: string; betaPackage: string };
}

function scratchMain(): string {
  return `<?php
/**
 * Plugin Name: feedwright scratch
 * Description: A second feedwright plugin in the WordPress tests (rollout, PHP requirements, Update URI).
 * Version: 0.0.0
 * Author: feedwright tests
 * Update URI: https://${SCRATCH_UPDATE_HOST}/${SCRATCH_SLUG}/
 */

if ( ! defined( 'ABSPATH' ) ) {
	exit;
}

define( 'FEEDWRIGHT_SCRATCH_VERSION', '0.0.0' );
define( 'FEEDWRIGHT_SCRATCH_API', 'https://${SCRATCH_UPDATE_HOST}/api' );

require_once __DIR__ . '/feedwright-updater.php';
`;
}

function scratchPluginYaml(publicKey: string): string {
  return `name: feedwright scratch
slug: ${SCRATCH_SLUG}
platform: wordpress
description: A second feedwright plugin in the WordPress tests.
homepage: https://${SCRATCH_UPDATE_HOST}
author: feedwright tests
main_file: feedwright-scratch.php
version_constant: FEEDWRIGHT_SCRATCH_VERSION
requires_php: "7.4"
requires_wp: "5.8"
tested_wp: "6.7"
api_base: https://${SCRATCH_UPDATE_HOST}/api
updater_path: feedwright-updater.php
public_keys:
  - "${publicKey}"
`;
}

function privateMain(version: string): string {
  return `<?php
/**
 * Plugin Name: feedwright private
 * Description: A private feedwright plugin in the WordPress tests (signed download URLs).
 * Version: ${version}
 * Author: feedwright tests
 */

if ( ! defined( 'ABSPATH' ) ) {
	exit;
}

define( 'FEEDWRIGHT_PRIVATE_VERSION', '${version}' );
define( 'FEEDWRIGHT_PRIVATE_API', 'https://${SCRATCH_UPDATE_HOST}/api' );

require_once __DIR__ . '/feedwright-updater.php';
`;
}

/** Clone, re-key, add the scratch plugin, build with the test key; then the tampered copies. */
export async function buildFixtureFeed(dir: string): Promise<FixtureFeed> {
  const repo = path.join(dir, "repo");
  const git = (...args: string[]) =>
    execFileSync("git", args, { cwd: repo, encoding: "utf8", stdio: ["ignore", "pipe", "pipe"] }).trim();
  execFileSync("git", ["clone", "-q", ROOT, repo], { stdio: "ignore" });
  git("config", "user.email", "test@example.invalid");
  git("config", "user.name", "feedwright wordpress test");
  git("config", "commit.gpgsign", "false");

  const seed = generateSeed();
  const publicKey = parseSigningKey(seed).publicKey;

  // The example as it is in this working tree, pinned to the test key, recorded sums dropped
  // (the packages carry an updater that pins another key, so their bytes differ), and with them
  // the recorded updater version: the sites here run the newest updater.
  const bridge = path.join(repo, "releases", BRIDGE_SLUG);
  rmSync(bridge, { recursive: true, force: true });
  cpSync(path.join(ROOT, "releases", BRIDGE_SLUG), bridge, { recursive: true });
  for (const name of readdirSync(bridge)) {
    const file = path.join(bridge, name);
    if (name === "plugin.yaml") {
      const document = parseDocument(readFileSync(file, "utf8"));
      document.set("public_keys", [publicKey]);
      writeFileSync(file, document.toString());
    } else if (name.endsWith(".yaml")) {
      // Release files only: assets/ (the icon and banner) is copied as it is.
      writeFileSync(
        file,
        readFileSync(file, "utf8")
          .replace(/^sha256:.*\n/m, "")
          .replace(/^updater_version:.*\n/m, ""),
      );
    }
  }

  // The scratch plugin: one source commit, three releases pinned to it.
  const source = path.join(repo, "source", SCRATCH_SLUG);
  mkdirSync(source, { recursive: true });
  mkdirSync(path.join(repo, "releases", SCRATCH_SLUG), { recursive: true });
  writeFileSync(path.join(source, "feedwright-scratch.php"), scratchMain());
  git("add", "-A");
  git("commit", "-q", "-m", "scratch plugin source");
  const pin = git("rev-parse", "HEAD");
  writeFileSync(path.join(repo, "releases", SCRATCH_SLUG, "plugin.yaml"), scratchPluginYaml(publicKey));
  const release = (version: string, extra: string) =>
    writeFileSync(
      path.join(repo, "releases", SCRATCH_SLUG, `${version}.yaml`),
      `version: "${version}"\nreleased_at: "2026-11-0${version[0]}T12:00:00Z"\nsource: "${pin}"\nchangelog: Scratch ${version}.\n${extra}`,
    );
  // The private plugin: two source commits, two released versions.
  const privateSource = path.join(repo, "source", PRIVATE_SLUG);
  mkdirSync(privateSource, { recursive: true });
  mkdirSync(path.join(repo, "releases", PRIVATE_SLUG), { recursive: true });
  const privatePins: Record<string, string> = {};
  for (const version of ["1.0.0", "1.1.0"]) {
    writeFileSync(path.join(privateSource, "feedwright-private.php"), privateMain(version));
    git("add", "-A");
    git("commit", "-q", "-m", `private plugin ${version}`);
    privatePins[version] = git("rev-parse", "HEAD");
    writeFileSync(
      path.join(repo, "releases", PRIVATE_SLUG, `${version}.yaml`),
      `version: "${version}"\nstatus: released\nreleased_at: "2026-11-0${version[2] === "0" ? 1 : 2}T12:00:00Z"\nsource: "${privatePins[version]}"\nchangelog: Private ${version}.\n${version === PRIVATE_OLD_UPDATER_VERSION ? "updater_version: 1\n" : ""}`,
    );
  }
  writeFileSync(
    path.join(repo, "releases", PRIVATE_SLUG, "plugin.yaml"),
    scratchPluginYaml(publicKey)
      .replaceAll(SCRATCH_SLUG, PRIVATE_SLUG)
      .replace("name: feedwright scratch", "name: feedwright private")
      .replace("main_file: feedwright-scratch.php", "main_file: feedwright-private.php")
      .replace("version_constant: FEEDWRIGHT_SCRATCH_VERSION", "version_constant: FEEDWRIGHT_PRIVATE_VERSION")
      .concat("private: true\n"),
  );
  release("1.0.0", `status: deprecated\ndeprecation_reason: "${WITHDRAWN_REASON}"\n`);
  release(
    ROLLOUT_VERSION,
    `status: released\nrollout: ${ROLLOUT_PERCENT}\ntested_wp: "${ROLLOUT_TESTED_WP}"\nguard:\n  max_error_rise_points: ${GUARD_MAX_ERROR_RISE_POINTS}\n  min_sites: ${GUARD_MIN_SITES}\n`,
  );
  release(PHP_INCOMPATIBLE_VERSION, 'status: released\nrequires_php: "99.0"\n');
  git("add", "-A");
  git("commit", "-q", "-m", "test feed: test key, scratch releases");

  const dist = path.join(repo, "dist");
  let stderr = "";
  const code = await main(["build", "--root", repo, "--out", dist, "--quiet"], {
    cwd: repo,
    env: { ...process.env, FEEDWRIGHT_SIGNING_KEY: seed },
    stdout: () => {},
    stderr: (text) => {
      stderr += text;
    },
  });
  if (code !== 0) throw new Error(`building the test feed failed:\n${stderr}`);

  const tamperedRoot = path.join(dir, "tampered");
  const zip = path.join("plugins", BRIDGE_SLUG, `${BRIDGE_SLUG}-v1.2.0.zip`);
  const copy = (name: string) => {
    const folder = path.join(tamperedRoot, name);
    cpSync(dist, folder, { recursive: true });
    return folder;
  };
  const flipped = copy("flipped");
  const bytes = readFileSync(path.join(flipped, zip));
  const middle = Math.floor(bytes.length / 2);
  bytes[middle] = (bytes[middle] ?? 0) ^ 0x01;
  writeFileSync(path.join(flipped, zip), bytes);
  // What an attacker who controls the CDN serves: other bytes, with a .sig of their own key.
  const otherKey = copy("other-key");
  writeFileSync(path.join(otherKey, zip), bytes);
  writeFileSync(path.join(otherKey, `${zip}.sig`), renderSignatureFile(bytes, [parseSigningKey(generateSeed())]));
  const noSignature = copy("no-signature");
  rmSync(path.join(noSignature, `${zip}.sig`));
  writeFileSync(path.join(noSignature, "plugins", BRIDGE_SLUG, UNLISTED_PACKAGE), bytes);
  const tamperedInfo = copy("tampered-info");
  const infoFile = path.join(tamperedInfo, "plugins", BRIDGE_SLUG, "info.json");
  const info = JSON.parse(readFileSync(infoFile, "utf8")) as { sections: Record<string, string> };
  info.sections.description = `<p>${TAMPERED_INFO_MARK}</p>${info.sections.description}`;
  info.sections.changelog = `<p>${TAMPERED_INFO_MARK}</p>${info.sections.changelog}`;
  writeFileSync(infoFile, `${JSON.stringify(info, null, 2)}\n`);

  // feed.json, changed and signed again with the test key: older, or past its expiry.
  const key = parseSigningKey(seed);
  const resign = (name: string, change: (feed: { serial: number; expires: string }) => void) => {
    const folder = copy(name);
    const feedFile = path.join(folder, "feed.json");
    const document = JSON.parse(readFileSync(feedFile, "utf8"));
    change(document);
    const bytes = Buffer.from(toCanonicalJson(document));
    writeFileSync(feedFile, bytes);
    writeFileSync(`${feedFile}.sig`, renderSignatureFile(bytes, [key]));
    return folder;
  };
  const replayed = resign("replayed-feed", (document) => {
    document.serial -= 1;
  });
  const expired = resign("expired-feed", (document) => {
    document.expires = "2020-01-01T00:00:00.000Z";
  });
  const feedByOtherKey = copy("feed-other-key");
  writeFileSync(
    path.join(feedByOtherKey, "feed.json.sig"),
    renderSignatureFile(readFileSync(path.join(feedByOtherKey, "feed.json")), [parseSigningKey(generateSeed())]),
  );
  // Rotation, as `FEEDWRIGHT_NEXT_SIGNING_KEY` and then a switch of keys would publish it.
  const next = parseSigningKey(generateSeed());
  type FeedKeys = { serial: number; keys: { id: string; public_key: string; role: string }[] };
  const announcing = resign("rotation-announcing", (document) => {
    const feed = document as unknown as FeedKeys;
    feed.serial += 1;
    feed.keys.push({ id: next.id, public_key: next.publicKey, role: "next" });
  });
  const rotated = copy("rotation-rotated");
  const betaPackage = path.join("plugins", BRIDGE_SLUG, `${BRIDGE_SLUG}-v1.3.0-beta.1.zip`);
  writeFileSync(
    path.join(rotated, `${betaPackage}.sig`),
    renderSignatureFile(readFileSync(path.join(rotated, betaPackage)), [next]),
  );
  // releases.json and the offer index (offers.json, and its copy inside feed.json), which list
  // each package's signatures, signed again by the next key only too, and the rotated feed
  // vouching for them.
  const rotatedReleasesFile = path.join(rotated, "plugins", BRIDGE_SLUG, "releases.json");
  const rotatedReleases = JSON.parse(readFileSync(rotatedReleasesFile, "utf8")) as {
    releases: { file: string | null; signatures: { key_id: string; signature: string }[] }[];
  };
  for (const entry of rotatedReleases.releases) {
    if (!entry.file) continue;
    const packageFile = path.join(rotated, "plugins", BRIDGE_SLUG, entry.file);
    const signature = renderSignatureFile(readFileSync(packageFile), [next]).trim();
    entry.signatures = [{ key_id: next.id, signature }];
  }
  const rotatedReleasesBytes = Buffer.from(`${JSON.stringify(rotatedReleases, null, 2)}\n`);
  writeFileSync(rotatedReleasesFile, rotatedReleasesBytes);
  const rotatedReleasesDigest = createHash("sha256").update(rotatedReleasesBytes).digest("hex");
  const rotatedFeedFile = path.join(rotated, "feed.json");
  type Packages = { packages: { file: string; signatures: { key_id: string; signature: string }[] }[] };
  const rotatedFeed = JSON.parse(readFileSync(rotatedFeedFile, "utf8")) as FeedKeys & {
    plugins: Record<string, { releases: { sha256: string }; documents: Record<string, string>; offers: Packages }>;
  };
  rotatedFeed.serial += 2;
  rotatedFeed.keys = [{ id: next.id, public_key: next.publicKey, role: "current" }];
  const rotatedEntry = rotatedFeed.plugins[BRIDGE_SLUG];
  if (!rotatedEntry) throw new Error(`the test feed does not list ${BRIDGE_SLUG}`);
  rotatedEntry.releases.sha256 = rotatedReleasesDigest;
  rotatedEntry.documents["releases.json"] = rotatedReleasesDigest;
  const rotatedOffersFile = path.join(rotated, "plugins", BRIDGE_SLUG, "offers.json");
  const rotatedOffers = JSON.parse(readFileSync(rotatedOffersFile, "utf8")) as Packages;
  for (const offers of [rotatedOffers, rotatedEntry.offers]) {
    for (const entry of offers.packages) {
      const signature = renderSignatureFile(readFileSync(path.join(rotated, "plugins", BRIDGE_SLUG, entry.file)), [
        next,
      ]);
      entry.signatures = [{ key_id: next.id, signature: signature.trim() }];
    }
  }
  const rotatedOffersBytes = Buffer.from(`${JSON.stringify(rotatedOffers, null, 2)}\n`);
  writeFileSync(rotatedOffersFile, rotatedOffersBytes);
  rotatedEntry.documents["offers.json"] = createHash("sha256").update(rotatedOffersBytes).digest("hex");
  const rotatedBytes = Buffer.from(toCanonicalJson(rotatedFeed));
  writeFileSync(rotatedFeedFile, rotatedBytes);
  writeFileSync(`${rotatedFeedFile}.sig`, renderSignatureFile(rotatedBytes, [next]));
  return {
    repo,
    dist,
    publicKey,
    tampered: { flipped, otherKey, noSignature },
    flippedPackage: {
      bytes,
      genuineSignature: readFileSync(path.join(dist, `${zip}.sig`), "utf8").trim(),
      signedByTestKey: renderSignatureFile(bytes, [key]).trim(),
    },
    tamperedInfo,
    badFeeds: { replayed, expired, otherKey: feedByOtherKey },
    rotation: { announcing, rotated, nextKey: next.publicKey, betaPackage },
  };
}

/** Where a site falls for a release's rollout: what the Worker and the updater both compute. */
export function rolloutBucket(slug: string, version: string, siteId: string): number {
  return createHash("sha256").update(`${slug}\n${version}\nsite:${siteId}`).digest().readUInt32BE(0) % 100;
}

/** A site id inside (bucket below the percentage) or outside a release's rollout. */
export function siteIdFor(slug: string, version: string, percent: number, inside: boolean, label: string): string {
  for (let n = 0; n < 10_000; n++) {
    const id = `wp-${label}-${n}`;
    if (rolloutBucket(slug, version, id) < percent === inside) return id;
  }
  throw new Error("no site id found");
}
