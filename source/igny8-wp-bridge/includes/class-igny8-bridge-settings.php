<?php
/**
 * Connection settings storage.
 * @package Igny8_Bridge
 */

if ( ! defined( 'ABSPATH' ) ) { exit; }

/**
 * Stores and retrieves the IGNY8 site ID and API key.
 */
class Igny8_Bridge_Settings {

	const GROUP          = 'igny8_bridge';
	const SITE_ID_OPTION = 'igny8_bridge_site_id';
	const API_KEY_OPTION = 'igny8_bridge_api_key';

	/**
	 * Registers both options with the Settings API.
	 *
	 * @return void
	 */
	public function register() {
		register_setting(
			self::GROUP,
			self::SITE_ID_OPTION,
			array(
				'type'              => 'string',
				'sanitize_callback' => array( $this, 'sanitize_site_id' ),
				'default'           => '',
			)
		);
		register_setting(
			self::GROUP,
			self::API_KEY_OPTION,
			array(
				'type'              => 'string',
				'sanitize_callback' => array( $this, 'sanitize_api_key' ),
				'default'           => '',
			)
		);
	}

	/**
	 * Normalises a site ID: trimmed, lower-case, letters, digits and hyphens only.
	 *
	 * @param mixed $value Raw value.
	 * @return string
	 */
	public function sanitize_site_id( $value ) {
		$value = strtolower( trim( sanitize_text_field( (string) $value ) ) );
		return (string) preg_replace( '/[^a-z0-9\-]/', '', $value );
	}

	/**
	 * Sanitises the API key. A blank submission keeps the stored key, so the
	 * masked field on the settings page can be left empty.
	 *
	 * @param mixed $value Raw value.
	 * @return string
	 */
	public function sanitize_api_key( $value ) {
		$value = trim( sanitize_text_field( (string) $value ) );
		if ( '' === $value ) {
			return $this->get_api_key();
		}
		return $value;
	}

	/**
	 * @return string
	 */
	public function get_site_id() {
		return $this->sanitize_site_id( get_option( self::SITE_ID_OPTION, '' ) );
	}

	/**
	 * @return string
	 */
	public function get_api_key() {
		return (string) get_option( self::API_KEY_OPTION, '' );
	}

	/**
	 * @return bool True when both the site ID and API key are set.
	 */
	public function has_credentials() {
		return '' !== $this->get_site_id() && '' !== $this->get_api_key();
	}

	/**
	 * Masks a key for display, keeping only the last four characters.
	 *
	 * @param string $key Secret key.
	 * @return string
	 */
	public static function mask_key( $key ) {
		$key    = (string) $key;
		$length = strlen( $key );
		if ( $length <= 4 ) {
			return str_repeat( '*', $length );
		}
		return str_repeat( '*', min( 12, $length - 4 ) ) . substr( $key, -4 );
	}
}
