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
 * The offer decision, as the Worker makes it when a site asks, from the releases the verified
 * feed lists and what this site is; nothing here reads WordPress.
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
	 * The release a site is offered: the newest one offered on its channel (stable sees
	 * stable; beta sees beta and stable) that is newer than the installed version, whose
	 * PHP and WordPress requirements the site meets, and whose rollout includes it.
	 *
	 * @param array    $releases  Kept release entries (Feed::keep_release()).
	 * @param string   $installed The installed version.
	 * @param string   $channel   "stable" or "beta".
	 * @param string   $php       The site's PHP version.
	 * @param string   $wp        The site's WordPress version.
	 * @param callable $site_id   Gives the site's id; asked only for a release in rollout.
	 * @return array|null A kept release entry.
	 */
	public static function choose( array $releases, $installed, $channel, $php, $wp, $site_id ) {
		// Not a version (SemVer, or what the Worker accepts): nothing can be said to be newer.
		if ( null === Versions::parse( $installed ) || empty( $releases ) ) {
			return null;
		}
		$beta       = 'beta' === $channel;
		$candidates = array();
		foreach ( $releases as $release ) {
			if ( empty( $release['offered'] ) || empty( $release['packaged'] ) || '' === $release['file'] ) {
				continue;
			}
			if ( 'stable' !== $release['channel'] && ! ( $beta && 'beta' === $release['channel'] ) ) {
				continue;
			}
			if ( 1 === Versions::compare( $release['version'], $installed ) ) {
				$candidates[] = $release;
			}
		}
		usort(
			$candidates,
			function ( $a, $b ) {
				return (int) Versions::compare( $b['version'], $a['version'] );
			}
		);
		foreach ( $candidates as $release ) {
			if ( ! Versions::meets( $php, $release['requires_php'] ) || ! Versions::meets( $wp, $release['requires_wp'] ) ) {
				continue;
			}
			if ( (int) $release['rollout'] < Config::ROLLOUT_BUCKETS && self::rollout_bucket( Config::SLUG, $release['version'], (string) call_user_func( $site_id ) ) >= (int) $release['rollout'] ) {
				continue;
			}
			// A security release on the way makes the whole step automatic.
			foreach ( $candidates as $other ) {
				if ( ! empty( $other['force_update'] ) && Versions::compare( $other['version'], $release['version'] ) <= 0 ) {
					$release['autoupdate']   = true;
					$release['force_update'] = true;
				}
			}
			return $release;
		}
		return null;
	}
}
