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
 * announced keys), the releases and details it vouched for, and how the last tries went.
 */
final class State_Store {

	/**
	 * Everything the last checks learned, every key present.
	 *
	 * @return array See Feed::refresh().
	 */
	public function get() {
		$state = get_option( Config::PREFIX . '_state', array() );
		return array_merge(
			array(
				'serial'         => 0,
				'expires'        => 0,
				'announced_keys' => array(),
				'private'        => false,
				'feed_url'       => '',
				'checked_at'     => 0,
				'releases'       => array(),
				'info'           => array(),
				'info_sha256'    => '',
				'info_error'     => '',
				'documents'      => array(),
				'retry_delay'    => 0,
				'next_retry_at'  => 0,
				'failures'       => 0,
				'last_error'     => '',
				'last_error_at'  => 0,
			),
			is_array( $state ) ? $state : array()
		);
	}

	/**
	 * Keeps the state, not autoloaded.
	 *
	 * @param array $state See get().
	 * @return void
	 */
	public function save( array $state ) {
		update_option( Config::PREFIX . '_state', $state, false );
	}

	/**
	 * The details kept from the info document, only if they were checked against the
	 * signed feed (an updater before that check kept them unchecked).
	 *
	 * @return array
	 */
	public function verified_info() {
		$state = $this->get();
		return '' !== $state['info_sha256'] && is_array( $state['info'] ) ? $state['info'] : array();
	}
}
