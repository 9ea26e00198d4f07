/**
 * The three implementations of "what is this site offered" behind one small adapter each, so
 * test/offer-cases.test.ts does not care where they live:
 * - the Worker's offer decision: the contract's decideOffer on the offer index (offerIndexOf of
 *   releases.json, what offers.json holds), rolloutBucketsFor and renderCheckUpdateAnswer,
 *   which worker/src/index.ts checkUpdate calls in this order;
 * - the decision as the Worker made it from the whole releases.json before the index
 *   (decideFromReleases, kept here as the reference the index must answer like);
 * - the PHP updater's offer and rollout bucket, rendered and run in one `php` process;
 * - the plan's latest per channel (scripts/core/plan.ts).
 * And the pipeline that turns a case's releases into the releases.json the first two read.
 */

import semver from "semver";
import {
  type CheckUpdateAnswer,
  decideOffer,
  fitCheckUpdateAnswer,
  normaliseVersion,
  type OfferIndexDocument,
  offerIndexOf,
  type ReleasesDocument,
  renderCheckUpdateAnswer,
  rolloutBucket,
  rolloutBucketsFor,
  rolloutSiteKey,
} from "../../scripts/contract/index.ts";
import { renderReleases, type SignedPackageFacts } from "../../scripts/core/documents.ts";
import type { PluginPlan } from "../../scripts/core/plan.ts";
import type { UpdaterVersion } from "../../scripts/core/updater.ts";
import { memoryPlan } from "./memory-tree.ts";
import { OFFER_SLUG, type OfferAnswer, type OfferCase, type OfferSite, siteOf } from "./offer-cases.ts";
import { NEWEST_UPDATER, runUpdaterPhp } from "./updater-php.ts";

export { normaliseVersion };

/** A valid public key for plugin.yaml: the updater is rendered, never asked to verify anything. */
const PINNED_KEY = "AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA=";

/** The case's plugin through the build's own pure steps: YAML text → tree → plan. */
export function planOf(offerCase: OfferCase): PluginPlan {
  const pluginYaml = [
    "updater_path: includes/feedwright-updater.php",
    `public_keys:\n  - "${PINNED_KEY}"`,
    ...(offerCase.plugin?.retain !== undefined ? [`retain: ${offerCase.plugin.retain}`] : []),
    ...(offerCase.plugin?.channels ? [`channels: [${offerCase.plugin.channels.join(", ")}]`] : []),
    ...(offerCase.plugin?.active !== undefined ? [`active: ${offerCase.plugin.active}`] : []),
  ];
  return memoryPlan({
    slug: OFFER_SLUG,
    pluginYaml: `${pluginYaml.join("\n")}\n`,
    releases: offerCase.releases.map((release) => ({ ...release })),
  });
}

/** releases.json as the build writes it for the plan, with made-up package facts. */
export function publishedOf(plugin: PluginPlan): ReleasesDocument {
  const facts = new Map<string, SignedPackageFacts>(
    plugin.releases
      .filter((release) => release.packaged)
      .map((release) => [
        release.version,
        { sha256: "0".repeat(64), md5: "0".repeat(32), size: 1, signatures: [{ key_id: "k", signature: "s" }] },
      ]),
  );
  return renderReleases(plugin, facts);
}

export { releasesJsonAnswer } from "./releases-json-offer.ts";

export const ANSWER_BASES = { apiBase: "https://api.example.test/api", siteUrl: "https://example.test" };

/**
 * The Worker's whole check-update answer to this site (worker/src/index.ts checkUpdate), from
 * the offer index; a deprecated site's reason as deprecations.json gives it; `held`, the
 * versions whose rollout is halted.
 */
export async function workerAnswer(
  index: OfferIndexDocument,
  reasons: ReadonlyMap<string, string>,
  site: OfferSite,
  held: readonly string[] = [],
): Promise<CheckUpdateAnswer> {
  const currentVersion = normaliseVersion(site.version);
  if (!currentVersion) throw new Error(`the Worker refuses current_version ${site.version}`);
  const candidates = index.channels[site.channel];
  const decision = decideOffer(index, {
    currentVersion,
    channel: site.channel,
    phpVersion: site.php,
    wpVersion: site.wp,
    bucketFor: await rolloutBucketsFor(index.slug, candidates, rolloutSiteKey({ siteId: site.id })),
    held: new Set(held),
  });
  const latestVersion = index.latest[site.channel];
  return fitCheckUpdateAnswer(
    renderCheckUpdateAnswer({
      slug: index.slug,
      ...ANSWER_BASES,
      channel: site.channel,
      currentVersion: site.version,
      offer: {
        ...decision,
        deprecation: decision.currentDeprecated ? { reason: reasons.get(currentVersion) ?? "" } : null,
      },
      latest: candidates.find((candidate) => candidate.version === latestVersion) ?? null,
    }),
  );
}

/** The Worker's answer to a check-update from this site, as the offer table states answers. */
export async function decideWithWorker(
  plugin: ReleasesDocument,
  site: OfferSite,
  held: readonly string[] = [],
): Promise<OfferAnswer> {
  const answer = await workerAnswer(offerIndexOf(plugin), reasonsOf(plugin), site, held);
  return {
    offer: answer.update_available ? answer.latest_version : null,
    forced: answer.force_update,
    autoupdate: answer.autoupdate,
    currentDeprecated: answer.current_deprecated === true,
  };
}

/** What deprecations.json says: each withdrawn release's reason. */
export function reasonsOf(plugin: ReleasesDocument): Map<string, string> {
  return new Map(
    plugin.releases
      .filter((release) => release.status === "deprecated")
      .map((release) => [release.version, release.deprecation_reason ?? ""]),
  );
}

/** The Worker's rollout bucket for a site that sends its id. */
export function workerBucket(slug: string, version: string, siteId: string): Promise<number> {
  return rolloutBucket(slug, version, rolloutSiteKey({ siteId }));
}

export interface PhpOfferInput {
  plugin: PluginPlan;
  releases: ReleasesDocument;
  site: OfferSite;
  /** Versions whose rollout_bucket() to report. */
  buckets: string[];
  /** Versions whose rollout is halted (from updater version 4). */
  held?: string[];
}

export interface PhpOfferAnswer extends OfferAnswer {
  buckets: Record<string, number>;
}

/**
 * Just enough of WordPress for offer(): options, the plugin header and the WordPress version
 * come from the case; nothing is written anywhere.
 */
const WORDPRESS_STUBS = `
$GLOBALS['feedwright_case'] = null;
function get_option( $name, $default = false ) {
	$options = $GLOBALS['feedwright_case']['options'];
	return array_key_exists( $name, $options ) ? $options[ $name ] : $default;
}
function update_option( $name, $value, $autoload = null ) {
	$GLOBALS['feedwright_case']['options'][ $name ] = $value;
	return true;
}
function get_file_data( $file, $headers, $context = '' ) {
	return array( 'Name' => 'Demo', 'Version' => $GLOBALS['feedwright_case']['site']['version'], 'PluginURI' => '', 'UpdateURI' => '' );
}
function get_bloginfo( $what ) {
	return 'version' === $what ? $GLOBALS['feedwright_case']['site']['wp'] : '';
}
function untrailingslashit( $text ) {
	return rtrim( $text, '/\\\\' );
}
function apply_filters( $hook, $value ) {
	return $value;
}
function wp_generate_uuid4() {
	throw new Exception( 'the case gives the site id' );
}
`;

/**
 * PHP fixes its own version in constants; offer() reads it there. The adapter reads the site's
 * PHP version from the case instead, replacing exactly the statement of offer() that reads it
 * (and failing loudly when the updater no longer has it, so the adapter changes with the updater).
 */
const PHP_VERSION_STATEMENT = "$php = PHP_MAJOR_VERSION . '.' . PHP_MINOR_VERSION . '.' . PHP_RELEASE_VERSION;";

function readSitePhpVersion(source: string): string {
  const count = source.split(PHP_VERSION_STATEMENT).length - 1;
  if (count !== 1) {
    throw new Error(`expected offer() to read PHP's version once, as ${PHP_VERSION_STATEMENT}; found ${count}`);
  }
  return source.replace(PHP_VERSION_STATEMENT, "$php = $GLOBALS['feedwright_case']['site']['php'];");
}

/** One case's answer, from $offer, $installed and $buckets: the same for every updater version. */
const ANSWER = `array(
		'offer'             => null === $offer ? null : $offer['version'],
		'forced'            => null !== $offer && $offer['force_update'],
		'autoupdate'        => null !== $offer && $offer['autoupdate'],
		'currentDeprecated' => null !== $installed && 'deprecated' === $installed['status'],
		'buckets'           => $buckets,
	)`;

/** Version 1: one class; its offer() reads the state, options and header through the stubs. */
const OFFER_SCRIPT_V1 = `
$reflection = new ReflectionClass( $class );
$out        = array();
foreach ( $input as $case ) {
	$site                       = $case['site'];
	$GLOBALS['feedwright_case'] = array(
		'site'    => $site,
		'options' => array(
			$class::PREFIX . '_channel' => $site['channel'],
			$class::PREFIX . '_site_id' => $site['id'],
		),
	);
	// A fresh updater per case (nothing cached), its state what a verified feed would leave.
	$updater = $reflection->newInstanceWithoutConstructor();
	$kept    = Closure::bind(
		function ( array $releases ) {
			return array_map( array( $this, 'keep_release' ), $releases );
		},
		$updater,
		$class
	)( $case['releases']['releases'] );
	$GLOBALS['feedwright_case']['options'][ $class::PREFIX . '_state' ] = array( 'releases' => $kept );
	$offer     = $updater->offer();
	$installed = Closure::bind(
		function () {
			return $this->installed_release();
		},
		$updater,
		$class
	)();
	$buckets = new stdClass();
	foreach ( $case['buckets'] as $version ) {
		$buckets->{$version} = $updater->rollout_bucket( $version );
	}
	$out[] = ${ANSWER};
}
echo json_encode( $out );
`;

/**
 * Version 2: Offer::choose() takes the kept releases and the site's facts as arguments, and
 * Feed keeps each release of releases.json as the updater stores it; no WordPress is needed.
 */
const OFFER_SCRIPT = `
$feed = ( new ReflectionClass( $class . '\\Feed' ) )->newInstanceWithoutConstructor();
$keep = Closure::bind(
	function ( array $release ) {
		return $this->keep_release( $release );
	},
	$feed,
	$class . '\\Feed'
);
$out  = array();
foreach ( $input as $case ) {
	$site      = $case['site'];
	$kept      = array_map( $keep, $case['releases']['releases'] );
	$offer     = call_user_func(
		array( $class . '\\Offer', 'choose' ),
		$kept,
		$site['version'],
		$site['channel'],
		$site['php'],
		$site['wp'],
		function () use ( $site ) {
			return $site['id'];
		}
	);
	$installed = null;
	foreach ( $kept as $release ) {
		if ( 0 === call_user_func( array( $class . '\\Versions', 'compare' ), $release['version'], $site['version'] ) ) {
			$installed = $release;
		}
	}
	$buckets = new stdClass();
	foreach ( $case['buckets'] as $version ) {
		$buckets->{$version} = call_user_func( array( $class . '\\Offer', 'rollout_bucket' ), $case['slug'], $version, $site['id'] );
	}
	$out[] = ${ANSWER};
}
echo json_encode( $out );
`;

/**
 * Version 3 on: Offer::choose() walks the channel's candidates of the offer index the verified
 * feed carries (kept by Feed::keep_offers()), and Offer::withdrawn() reads its withdrawn versions.
 * Version 4 on: it also skips the versions held back (Holds::held()), given as its last argument.
 */
const OFFER_SCRIPT_INDEX = `
$feed = ( new ReflectionClass( $class . '\\Feed' ) )->newInstanceWithoutConstructor();
$out  = array();
foreach ( $input as $case ) {
	$site    = $case['site'];
	$offers  = $feed->keep_offers( $case['offers'] );
	$offer   = call_user_func(
		array( $class . '\\Offer', 'choose' ),
		$offers['channels'][ $site['channel'] ],
		$site['version'],
		$site['php'],
		$site['wp'],
		function () use ( $site ) {
			return $site['id'];
		},
		// Version 4 on; version 3 takes five arguments and ignores a sixth.
		isset( $case['held'] ) ? $case['held'] : array()
	);
	$buckets = new stdClass();
	foreach ( $case['buckets'] as $version ) {
		$buckets->{$version} = call_user_func( array( $class . '\\Offer', 'rollout_bucket' ), $case['slug'], $version, $site['id'] );
	}
	$out[] = array(
		'offer'             => null === $offer ? null : $offer['version'],
		'forced'            => null !== $offer && $offer['force_update'],
		'autoupdate'        => null !== $offer && $offer['autoupdate'],
		'currentDeprecated' => call_user_func( array( $class . '\\Offer', 'withdrawn' ), $offers['deprecated'], $site['version'] ),
		'buckets'           => $buckets,
	);
}
echo json_encode( $out );
`;

/** The updater's answers for many cases of one plugin definition, in one php process. */
export function decideWithPhp(
  plugin: PluginPlan,
  inputs: Omit<PhpOfferInput, "plugin">[],
  updater: UpdaterVersion = NEWEST_UPDATER,
): PhpOfferAnswer[] {
  if (updater.version === 1) {
    return runUpdaterPhp<PhpOfferAnswer[]>(plugin, {
      prelude: WORDPRESS_STUBS,
      script: OFFER_SCRIPT_V1,
      input: inputs,
      patch: readSitePhpVersion,
      updater,
    });
  }
  if (updater.version === 2) {
    return runUpdaterPhp<PhpOfferAnswer[]>(plugin, {
      script: OFFER_SCRIPT,
      input: inputs.map((each) => ({ ...each, slug: plugin.slug })),
      updater,
    });
  }
  // The offer index as the feed carries it: exactly what the build derives from releases.json.
  return runUpdaterPhp<PhpOfferAnswer[]>(plugin, {
    script: OFFER_SCRIPT_INDEX,
    input: inputs.map((each) => ({ ...each, slug: plugin.slug, offers: offerIndexOf(each.releases) })),
    updater,
  });
}

/**
 * What the plan says a site with no constraint gets: the latest of its channel, when newer
 * than what it has.
 */
export function decideWithPlan(plugin: PluginPlan, site: OfferSite): Pick<OfferAnswer, "offer"> {
  const latest = plugin.latest[site.channel];
  const installed = normaliseVersion(site.version);
  if (!installed) throw new Error(`not a version: ${site.version}`);
  return { offer: latest !== null && semver.gt(latest, installed) ? latest : null };
}

/**
 * The cases where the plan's latest must be the offer: nothing held, every rollout 100 and the site meets
 * every release's requirements (the demo plugin's own, PHP 7.4 and WordPress 6.0, every case's
 * site meets), so only channel and version decide.
 */
export function hasNoConstraint(offerCase: OfferCase): boolean {
  const site = siteOf(offerCase);
  const meets = (have: string, need: string | undefined) =>
    need === undefined ||
    semver.gte(semver.coerce(have, { includePrerelease: true }) ?? "0.0.0", semver.coerce(need) ?? "0.0.0");
  // A halted release is the Worker's to hold back: the plan knows nothing of it.
  if ((offerCase.held ?? []).length > 0) return false;
  return offerCase.releases.every(
    (release) =>
      (release.rollout ?? 100) === 100 && meets(site.php, release.requires_php) && meets(site.wp, release.requires_wp),
  );
}
