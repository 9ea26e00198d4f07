<?php
/**
 * feedwright updater: what the last checks learned, kept in one option.
 *
 * @package feedwright
 */

namespace Feedwright_Updater_Source;

if ( ! defined( 'ABSPATH' ) ) {
	exit;
}

/**
 * The state the feed checks keep between requests: the last accepted feed (serial, expiry,
 * announced keys, the SHA-256 of the plugin's documents), the plugin's offer index it carried,
 * the reason of a withdrawn installed version once read, the releases the vendor holds back
 * (Holds), and how the last tries went. Nothing in it grows with the number of releases.
 */
final class State_Store {

	/**
	 * What a state holds, with the value of a site that never checked. Anything else an older
	 * updater kept (the whole release list, the details document) is dropped on the next save.
	 *
	 * @var array
	 */
	const DEFAULTS = array(
		'serial'         => 0,
		'expires'        => 0,
		'announced_keys' => array(),
		'private'        => false,
		'feed_url'       => '',
		'checked_at'     => 0,
		'offers'         => array(),
		'documents'      => array(),
		'withdrawn'      => array(),
		'held'           => array(),
		'retry_delay'    => 0,
		'next_retry_at'  => 0,
		'failures'       => 0,
		'last_error'     => '',
		'last_error_at'  => 0,
	);

	/**
	 * Everything the last checks learned, every key present.
	 *
	 * @return array See Feed::refresh().
	 */
	public function get() {
		$state = get_option( Config::PREFIX . '_state', array() );
		$state = array_merge( self::DEFAULTS, is_array( $state ) ? array_intersect_key( $state, self::DEFAULTS ) : array() );
		// A state an older updater kept has no offer index: as if never checked, until the next check.
		if ( ! isset( $state['offers']['channels'] ) ) {
			$state['offers']     = array();
			$state['checked_at'] = 0;
		}
		return $state;
	}

	/**
	 * Keeps the state, not autoloaded.
	 *
	 * @param array $state See get().
	 * @return void
	 */
	public function save( array $state ) {
		update_option( Config::PREFIX . '_state', array_intersect_key( $state, self::DEFAULTS ), false );
	}

	/**
	 * A channel's candidates in the offer index last accepted, newest first.
	 *
	 * @param string $channel "stable" or "beta".
	 * @return array
	 */
	public function candidates( $channel ) {
		$offers = $this->get()['offers'];
		return isset( $offers['channels'][ $channel ] ) && is_array( $offers['channels'][ $channel ] ) ? $offers['channels'][ $channel ] : array();
	}

	/**
	 * One part of the offer index last accepted (packages, deprecated, icons, banners).
	 *
	 * @param string $part Its name.
	 * @return array
	 */
	public function offers( $part ) {
		$offers = $this->get()['offers'];
		return isset( $offers[ $part ] ) && is_array( $offers[ $part ] ) ? $offers[ $part ] : array();
	}
}
