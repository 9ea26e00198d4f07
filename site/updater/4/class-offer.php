<?php
/**
 * feedwright updater: which release this site is offered (channel, rollout, requirements).
 *
 * @package feedwright
 */

namespace Feedwright_Updater_Source;

if ( ! defined( 'ABSPATH' ) ) {
	exit;
}

/**
 * The offer decision, as the Worker makes it when a site asks (scripts/contract/offer.ts
 * decideOffer), from the offer index the verified feed carries; nothing here reads WordPress.
 */
final class Offer {

	/**
	 * Where a site falls for a release's rollout, 0 to 99: the first four bytes (big
	 * endian) of SHA-256("slug\nversion\nsite:<site id>") mod 100, as the Worker computes it
	 * (scripts/contract/rollout.ts; the numbers and strings are Config's, rendered from it).
	 *
	 * @param string $slug    The plugin's slug.
	 * @param string $version Release version.
	 * @param string $site_id This site's id.
	 * @return int
	 */
	public static function rollout_bucket( $slug, $version, $site_id ) {
		$message = implode( Config::ROLLOUT_SEPARATOR, array( $slug, $version, Config::ROLLOUT_SITE_KEY_PREFIX . $site_id ) );
		$digest  = hash( 'sha256', $message, true );
		$bucket  = 0;
		for ( $i = 0; $i < Config::ROLLOUT_DIGEST_BYTES; $i++ ) {
			$bucket = ( $bucket * 256 + ord( $digest[ $i ] ) ) % Config::ROLLOUT_BUCKETS;
		}
		return $bucket;
	}

	/**
	 * The release a site is offered: the newest of its channel's candidates (the offer index
	 * lists, newest first, only releases some site could be offered) that is newer than the
	 * installed version, whose PHP and WordPress requirements the site meets, and whose rollout
	 * includes it. Forced (and automatic) when a security release lies between the installed
	 * version and it: the index gives each candidate the newest one at or below it. A release
	 * whose rollout is halted (Holds) is skipped like one not published, so the next older
	 * candidate is offered instead (the contract's decideOffer with `held`).
	 *
	 * @param array    $candidates The channel's kept candidates (Feed::keep_offers()).
	 * @param string   $installed  The installed version.
	 * @param string   $php        The site's PHP version.
	 * @param string   $wp         The site's WordPress version.
	 * @param callable $site_id    Gives the site's id; asked only for a release in rollout.
	 * @param string[] $held       Versions held back now (Holds::held()).
	 * @return array|null A kept candidate.
	 */
	public static function choose( array $candidates, $installed, $php, $wp, $site_id, array $held = array() ) {
		// Not a version (SemVer, or what the Worker accepts): nothing can be said to be newer.
		if ( null === Versions::parse( $installed ) ) {
			return null;
		}
		foreach ( $candidates as $release ) {
			if ( ! is_array( $release ) || '' === $release['file'] || 1 !== Versions::compare( $release['version'], $installed ) ) {
				continue;
			}
			if ( in_array( $release['version'], $held, true ) ) {
				continue;
			}
			if ( ! Versions::meets( $php, $release['requires_php'] ) || ! Versions::meets( $wp, $release['requires_wp'] ) ) {
				continue;
			}
			if ( (int) $release['rollout'] < Config::ROLLOUT_BUCKETS && self::rollout_bucket( Config::SLUG, $release['version'], (string) call_user_func( $site_id ) ) >= (int) $release['rollout'] ) {
				continue;
			}
			// A security release on the way makes the whole step automatic.
			if ( '' !== $release['forced_since'] && 1 === Versions::compare( $release['forced_since'], $installed ) ) {
				$release['autoupdate']   = true;
				$release['force_update'] = true;
			}
			return $release;
		}
		return null;
	}

	/**
	 * Is the installed version one the vendor withdrew (deprecated)? By SemVer precedence, as
	 * the updater matches versions everywhere.
	 *
	 * @param array  $deprecated The withdrawn versions of the offer index.
	 * @param string $installed  The installed version.
	 * @return bool
	 */
	public static function withdrawn( array $deprecated, $installed ) {
		foreach ( $deprecated as $version ) {
			if ( 0 === Versions::compare( $version, $installed ) ) {
				return true;
			}
		}
		return false;
	}
}
