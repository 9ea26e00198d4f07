<?php
/**
 * feedwright updater: the signed feed, fetched and verified.
 *
 * @package feedwright
 */

namespace Feedwright_Updater_Source;

if ( ! defined( 'ABSPATH' ) ) {
	exit;
}

/**
 * Reads the feed and believes only what it can verify: feed.json against the trusted keys
 * (Ed25519 over SHA-384, WordPress core's signature format), no older serial than the last
 * accepted and not past its expiry. The offer index the verified feed carries for this plugin
 * is all a check needs: two requests (feed.json and its .sig), a few KB whatever the number of
 * releases. info(-beta).json (the details dialog) and deprecations.json (a withdrawn version's
 * reason) are read only when shown, each against the SHA-256 the feed gives for it. Keeps the
 * last good answer when a check fails, and backs off before trying again.
 */
final class Feed {

	/** First wait after a failed check, in seconds; doubled on every further failure. */
	const MIN_RETRY = 900;
	const MAX_RETRY = 86400;
	const TIMEOUT   = 10;

	/**
	 * The updater's settings.
	 *
	 * @var Settings
	 */
	private $settings;

	/**
	 * Where the state is kept.
	 *
	 * @var State_Store
	 */
	private $store;

	/**
	 * The feed was fetched (or deliberately not) during this request.
	 *
	 * @var bool
	 */
	private $checked_this_request = false;

	/**
	 * The details document read during this request, if any (see details()).
	 *
	 * @var array|null
	 */
	private $details = null;

	/**
	 * Starts with the settings it reads and the store it keeps what it learned in.
	 *
	 * @param Settings    $settings The updater's settings.
	 * @param State_Store $store    Where the state is kept.
	 */
	public function __construct( Settings $settings, State_Store $store ) {
		$this->settings = $settings;
		$this->store    = $store;
	}

	/**
	 * Fetches and verifies the feed; keeps what it learned, or, when anything is wrong,
	 * keeps the last good answer and waits longer before the next try.
	 *
	 * @return true|\WP_Error
	 */
	public function refresh() {
		$this->checked_this_request = true;
		$state                      = $this->store->get();
		$now                        = time();
		$fresh                      = $this->fetch_verified_feed( $state, $now );
		if ( is_wp_error( $fresh ) ) {
			$delay                  = (int) min( self::MAX_RETRY, max( self::MIN_RETRY, 2 * (int) $state['retry_delay'] ) );
			$state['retry_delay']   = $delay;
			$state['next_retry_at'] = $now + $delay;
			$state['failures']      = (int) $state['failures'] + 1;
			$state['last_error']    = $fresh->get_error_message();
			$state['last_error_at'] = $now;
			$this->store->save( $state );
			return $fresh;
		}
		$this->store->save(
			array_merge(
				$state,
				$fresh,
				array(
					'checked_at'    => $now,
					'retry_delay'   => 0,
					'next_retry_at' => 0,
					'failures'      => 0,
					'last_error'    => '',
				)
			)
		);
		return true;
	}

	/**
	 * Was the feed read (or deliberately not) during this request?
	 *
	 * @return bool
	 */
	public function checked_this_request() {
		return $this->checked_this_request;
	}

	/**
	 * Reads the feed no more during this request: the update list is saved again from what is
	 * already known (see Installer::refuse_halted()), which is not a check.
	 *
	 * @return void
	 */
	public function skip_this_request() {
		$this->checked_this_request = true;
	}

	/**
	 * Checks the feed only when WordPress is checking for updates (it has just stamped the
	 * transient), at most once per request, and not while backing off after a failure (see
	 * Updater::check_again() for the administrator's way past the back-off).
	 *
	 * @param mixed $transient The update_plugins value being saved.
	 * @return true|\WP_Error|null What refresh() answered; null when it did not read the feed.
	 */
	public function maybe_refresh( $transient ) {
		if ( $this->checked_this_request ) {
			return null;
		}
		$stamp = is_object( $transient ) && isset( $transient->last_checked ) ? (int) $transient->last_checked : 0;
		if ( $stamp < time() - 60 ) {
			return null;
		}
		$state = $this->store->get();
		if ( (int) $state['next_retry_at'] > time() ) {
			$this->checked_this_request = true;
			return null;
		}
		return $this->refresh();
	}

	/**
	 * Fetches feed.json and its signature, checks them, and keeps the plugin's offer index.
	 *
	 * @param array $state The current state.
	 * @param int   $now   Unix time.
	 * @return array|\WP_Error The verified facts to keep.
	 */
	private function fetch_verified_feed( array $state, $now ) {
		$problem = $this->settings->override_problem();
		if ( '' !== $problem ) {
			return new \WP_Error( Config::PREFIX . '_override', $problem );
		}
		$base = $this->settings->feed_url();
		$feed = $this->http_get( $base . '/' . Config::FEED_PATH );
		if ( is_wp_error( $feed ) ) {
			return $feed;
		}
		$signature = $this->http_get( $base . '/' . Config::FEED_SIGNATURE_PATH );
		if ( is_wp_error( $signature ) ) {
			return $signature;
		}
		if ( ! $this->verify_signature( hash( 'sha384', $feed, true ), $signature ) ) {
			return new \WP_Error( Config::PREFIX . '_feed_signature', 'feed.json is not signed by a key this plugin trusts.' );
		}
		$data = json_decode( $feed, true );
		if ( ! is_array( $data ) || ! isset( $data['format'] ) || Config::FEED_FORMAT !== $data['format'] ) {
			return new \WP_Error( Config::PREFIX . '_feed_format', 'feed.json is not a feedwright feed.' );
		}
		$serial = isset( $data['serial'] ) && is_int( $data['serial'] ) ? $data['serial'] : -1;
		if ( $serial < (int) $state['serial'] ) {
			return new \WP_Error(
				Config::PREFIX . '_feed_replayed',
				sprintf( 'feed.json has serial %d, older than the %d already seen: refusing a replayed feed.', $serial, (int) $state['serial'] )
			);
		}
		$expires = isset( $data['expires'] ) ? strtotime( (string) $data['expires'] ) : false;
		if ( false === $expires || $expires <= $now ) {
			return new \WP_Error( Config::PREFIX . '_feed_expired', 'feed.json has expired: the feed is no longer being published.' );
		}
		$entry = isset( $data['plugins'][ Config::SLUG ] ) && is_array( $data['plugins'][ Config::SLUG ] ) ? $data['plugins'][ Config::SLUG ] : null;
		if ( null === $entry ) {
			return new \WP_Error( Config::PREFIX . '_feed_plugin', 'feed.json does not list ' . Config::SLUG . '.' );
		}
		$offers = isset( $entry['offers'] ) && is_array( $entry['offers'] ) ? $entry['offers'] : null;
		if ( null === $offers || ! isset( $offers['format'] ) || Config::OFFER_INDEX_FORMAT !== $offers['format'] || ! isset( $offers['slug'] ) || Config::SLUG !== $offers['slug'] ) {
			return new \WP_Error( Config::PREFIX . '_feed_offers', 'feed.json carries no offer index for ' . Config::SLUG . ' (a feed built by an older feedwright).' );
		}
		// The SHA-256 of each per-plugin document the feed vouches for, by file name.
		$documents = array();
		foreach ( isset( $entry['documents'] ) && is_array( $entry['documents'] ) ? $entry['documents'] : array() as $name => $digest ) {
			if ( is_string( $name ) && is_string( $digest ) && preg_match( '/^[0-9a-f]{64}$/D', $digest ) ) {
				$documents[ $name ] = $digest;
			}
		}
		// Keys the verified feed announces (current, and next while rotating): trusted from now
		// on, as long as later feeds, each signed by a trusted key, keep announcing them.
		$announced = array();
		foreach ( isset( $data['keys'] ) && is_array( $data['keys'] ) ? $data['keys'] : array() as $announcement ) {
			$key = is_array( $announcement ) && isset( $announcement['public_key'] ) ? (string) $announcement['public_key'] : '';
			$raw = base64_decode( $key, true );
			if ( false !== $raw && 32 === strlen( $raw ) ) {
				$announced[] = $key;
			}
		}
		$kept = $this->keep_offers( $offers );
		return array(
			'serial'         => $serial,
			'expires'        => $expires,
			'feed_url'       => $base,
			'offers'         => $kept,
			'announced_keys' => $announced,
			'private'        => $kept['private'],
			'documents'      => $documents,
		);
	}

	/**
	 * The fields of the offer index the updater uses: per channel the releases a site may be
	 * offered (newest first), every published package with its signatures, the withdrawn
	 * versions, and the images of the update row. Bounded by the index itself.
	 *
	 * @param array $offers The plugin's offer index in the verified feed.
	 * @return array
	 */
	public function keep_offers( array $offers ) {
		$list     = function ( $value ) {
			return is_array( $value ) ? array_values( array_filter( $value, 'is_array' ) ) : array();
		};
		$channels = array();
		foreach ( array( 'stable', 'beta' ) as $channel ) {
			$channels[ $channel ] = array_map( array( $this, 'keep_candidate' ), $list( isset( $offers['channels'][ $channel ] ) ? $offers['channels'][ $channel ] : null ) );
		}
		$packages = array();
		foreach ( $list( isset( $offers['packages'] ) ? $offers['packages'] : null ) as $package ) {
			// The package's signatures, as the signed feed lists them: what a package of this
			// release is checked against, whichever URL it is downloaded from.
			$signatures = array();
			foreach ( isset( $package['signatures'] ) && is_array( $package['signatures'] ) ? $package['signatures'] : array() as $entry ) {
				if ( is_array( $entry ) && isset( $entry['signature'] ) && is_string( $entry['signature'] ) ) {
					$signatures[] = $entry['signature'];
				}
			}
			$packages[] = array(
				'version'    => isset( $package['version'] ) && is_string( $package['version'] ) ? $package['version'] : '',
				'file'       => isset( $package['file'] ) && is_string( $package['file'] ) ? $package['file'] : '',
				'sha256'     => isset( $package['sha256'] ) && is_string( $package['sha256'] ) ? strtolower( $package['sha256'] ) : '',
				'signatures' => $signatures,
			);
		}
		$images = function ( $key ) use ( $offers ) {
			return isset( $offers[ $key ] ) && is_array( $offers[ $key ] ) ? array_map( 'strval', array_filter( $offers[ $key ], 'is_string' ) ) : array();
		};
		return array(
			'channels'   => $channels,
			'packages'   => $packages,
			'deprecated' => array_values( array_filter( isset( $offers['deprecated'] ) && is_array( $offers['deprecated'] ) ? $offers['deprecated'] : array(), 'is_string' ) ),
			'private'    => ! empty( $offers['private'] ),
			'icons'      => $images( 'icons' ),
			'banners'    => $images( 'banners' ),
		);
	}

	/**
	 * The fields of a candidate the updater uses.
	 *
	 * @param array $release A candidate of the offer index.
	 * @return array
	 */
	private function keep_candidate( array $release ) {
		$text = function ( $key, $fallback = '' ) use ( $release ) {
			return isset( $release[ $key ] ) && is_scalar( $release[ $key ] ) ? (string) $release[ $key ] : $fallback;
		};
		return array(
			'version'        => $text( 'version' ),
			'file'           => $text( 'file' ),
			'released_at'    => $text( 'released_at' ),
			'requires_php'   => $text( 'requires_php' ),
			'requires_wp'    => $text( 'requires_wp' ),
			'tested_wp'      => $text( 'tested_wp' ),
			'force_update'   => ! empty( $release['force_update'] ),
			'autoupdate'     => ! empty( $release['autoupdate'] ),
			'forced_since'   => $text( 'forced_since' ),
			'rollout'        => isset( $release['rollout'] ) ? (int) $release['rollout'] : Config::ROLLOUT_BUCKETS,
			'changelog'      => $text( 'changelog' ),
			'upgrade_notice' => $text( 'upgrade_notice' ),
		);
	}

	/**
	 * A document of this plugin's folder, only if its bytes are the ones the last accepted feed
	 * gives the SHA-256 of.
	 *
	 * @param string $name File name (info.json, deprecations.json).
	 * @return array|\WP_Error The decoded document.
	 */
	private function vouched_document( $name ) {
		$state    = $this->store->get();
		$expected = isset( $state['documents'][ $name ] ) ? (string) $state['documents'][ $name ] : '';
		if ( '' === $expected ) {
			return new \WP_Error( Config::PREFIX . '_document', sprintf( 'The signed feed does not vouch for %s.', $name ) );
		}
		$text = $this->http_get( $state['feed_url'] . '/' . Config::PLUGIN_FOLDER . '/' . $name );
		if ( is_wp_error( $text ) ) {
			return new \WP_Error( Config::PREFIX . '_document', $text->get_error_message() . '.' );
		}
		if ( ! hash_equals( $expected, hash( 'sha256', $text ) ) ) {
			return new \WP_Error( Config::PREFIX . '_document', sprintf( '%s does not match the SHA-256 the signed feed gives for it, so it is not shown.', $name ) );
		}
		$document = json_decode( $text, true );
		return is_array( $document ) ? $document : new \WP_Error( Config::PREFIX . '_document', sprintf( '%s is not a JSON object.', $name ) );
	}

	/**
	 * What the details dialog shows (names, description, changelog, images) from the channel's
	 * info document, read when the dialog opens (not on every check), once per request, and
	 * only when its bytes are the ones the signed feed gives the SHA-256 of. Display only:
	 * versions, requirements and packages always come from the verified offer index.
	 *
	 * @return array{info: array, error: string}
	 */
	public function details() {
		if ( null !== $this->details ) {
			return $this->details;
		}
		$name     = 'beta' === $this->settings->channel() ? Config::INFO_FILE_BETA : Config::INFO_FILE_STABLE;
		$info     = $this->vouched_document( $name );
		$refused  = is_wp_error( $info ) ? $info->get_error_message() . ' The details show only what the signed feed says.' : '';
		$kept     = array();
		$document = is_wp_error( $info ) ? array() : $info;
		foreach ( array( 'name', 'author', 'author_homepage', 'homepage' ) as $key ) {
			if ( isset( $document[ $key ] ) && is_string( $document[ $key ] ) ) {
				$kept[ $key ] = $document[ $key ];
			}
		}
		foreach ( array( 'sections', 'banners', 'icons', 'changelog_entries' ) as $key ) {
			if ( isset( $document[ $key ] ) && is_array( $document[ $key ] ) ) {
				$kept[ $key ] = array_map( 'strval', array_filter( $document[ $key ], 'is_string' ) );
			}
		}
		$this->details = array(
			'info'  => $kept,
			'error' => $refused,
		);
		return $this->details;
	}

	/**
	 * Why a withdrawn version was withdrawn: from deprecations.json, read the first time it is
	 * needed (the Plugins screen of a site on a withdrawn version) and kept with the SHA-256 it
	 * was read at, so it is read again only when the feed vouches for other bytes (or, when it
	 * could not be read, after the first back-off of a failed check). '' when it cannot be read.
	 *
	 * @param string $version The withdrawn version.
	 * @return string
	 */
	public function deprecation_reason( $version ) {
		$state    = $this->store->get();
		$expected = isset( $state['documents'][ Config::DEPRECATIONS_FILE ] ) ? (string) $state['documents'][ Config::DEPRECATIONS_FILE ] : '';
		$kept     = is_array( $state['withdrawn'] ) ? $state['withdrawn'] : array();
		if ( '' !== $expected && isset( $kept['version'], $kept['sha256'], $kept['reason'], $kept['retry_at'] ) && $version === $kept['version'] && $expected === $kept['sha256'] && ( '' !== $kept['reason'] || time() < (int) $kept['retry_at'] ) ) {
			return (string) $kept['reason'];
		}
		$document = $this->vouched_document( Config::DEPRECATIONS_FILE );
		$reason   = '';
		foreach ( ! is_wp_error( $document ) && isset( $document['deprecated'] ) && is_array( $document['deprecated'] ) ? $document['deprecated'] : array() as $entry ) {
			if ( is_array( $entry ) && isset( $entry['version'], $entry['reason'] ) && is_string( $entry['reason'] ) && 0 === Versions::compare( $entry['version'], $version ) ) {
				$reason = $entry['reason'];
			}
		}
		$state['withdrawn'] = array(
			'version'  => $version,
			'sha256'   => $expected,
			'reason'   => $reason,
			'retry_at' => time() + self::MIN_RETRY,
		);
		$this->store->save( $state );
		return $reason;
	}

	/**
	 * Reads a document of the feed (or a package's .sig).
	 *
	 * @param string $url URL to read.
	 * @return string|\WP_Error The body of a 200 answer.
	 */
	public function http_get( $url ) {
		$response = wp_remote_get(
			$url,
			array(
				'timeout'     => self::TIMEOUT,
				'redirection' => 3,
				'headers'     => array( 'Accept' => 'application/json, text/plain;q=0.9, */*;q=0.1' ),
			)
		);
		if ( is_wp_error( $response ) ) {
			return new \WP_Error( Config::PREFIX . '_http', sprintf( 'Could not read %s: %s', $url, $response->get_error_message() ) );
		}
		$code = (int) wp_remote_retrieve_response_code( $response );
		if ( 200 !== $code ) {
			return new \WP_Error( Config::PREFIX . '_http', sprintf( 'Could not read %s: HTTP %d.', $url, $code ) );
		}
		return (string) wp_remote_retrieve_body( $response );
	}

	/**
	 * The keys signatures may be made with: the pinned ones, and those the last accepted
	 * feed announced. Only a feed signed by a trusted key can announce one.
	 *
	 * @return string[] Base64 raw 32-byte Ed25519 public keys.
	 */
	public function trusted_keys() {
		$state = $this->store->get();
		$keys  = Config::PUBLIC_KEYS;
		foreach ( (array) $state['announced_keys'] as $key ) {
			if ( is_string( $key ) ) {
				$keys[] = $key;
			}
		}
		return array_values( array_unique( $keys ) );
	}

	/**
	 * Does any line of a .sig verify against any trusted key? The signature is Ed25519 over
	 * the raw SHA-384 digest, as in WordPress core's verify_file_signature().
	 *
	 * @param string $digest    Raw 48-byte SHA-384 digest of the signed bytes.
	 * @param string $signature The .sig file: base64 signatures, one per line.
	 * @return bool
	 */
	public function verify_signature( $digest, $signature ) {
		if ( ! function_exists( 'sodium_crypto_sign_verify_detached' ) ) {
			return false;
		}
		foreach ( preg_split( '/\r\n|\r|\n/', (string) $signature ) as $line ) {
			$raw = base64_decode( trim( $line ), true );
			if ( false === $raw || 64 !== strlen( $raw ) ) {
				continue;
			}
			foreach ( $this->trusted_keys() as $key ) {
				$public = base64_decode( $key, true );
				try {
					if ( false !== $public && 32 === strlen( $public ) && sodium_crypto_sign_verify_detached( $raw, $digest, $public ) ) {
						return true;
					}
				} catch ( \Throwable $error ) {
					continue;
				}
			}
		}
		return false;
	}
}
