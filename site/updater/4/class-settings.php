<?php
/**
 * feedwright updater: the settings it reads (feed, API, channel, site id, credentials).
 *
 * @package feedwright
 */

namespace Feedwright_Updater_Source;

if ( ! defined( 'ABSPATH' ) ) {
	exit;
}

/**
 * Where the updater reads from and who it says it is: the options it keeps, and those of the
 * plugin's own settings that plugin.yaml names (updater_credentials).
 */
final class Settings {

	/**
	 * The wp-config.php constant that points this plugin's updater elsewhere: FEED_URL (where
	 * the feed is read) or API_BASE (register, health-check, download-url), after the option
	 * prefix, e.g. FEEDWRIGHT_MY_PLUGIN_FEED_URL.
	 *
	 * @param string $what FEED_URL or API_BASE.
	 * @return string
	 */
	public static function override_constant( $what ) {
		return strtoupper( Config::PREFIX ) . '_' . $what;
	}

	/**
	 * A wp-config.php override: '' when its constant is not defined, null when it is defined
	 * but is not an http(s) URL (see override_problem()).
	 *
	 * @param string $what FEED_URL or API_BASE.
	 * @return string|null No trailing slash.
	 */
	public function override( $what ) {
		$name = self::override_constant( $what );
		if ( ! defined( $name ) ) {
			return '';
		}
		$value = constant( $name );
		$value = is_string( $value ) ? trim( $value ) : '';
		return preg_match( '#^https?://[^/?\#\s]+(/[^?\#\s]*)?$#iD', $value ) ? untrailingslashit( $value ) : null;
	}

	/**
	 * Why the overrides cannot be used, or ''. While there is a reason the feed is not read at
	 * all: a site meant to read a staging feed must not quietly read production instead.
	 *
	 * @return string
	 */
	public function override_problem() {
		foreach ( array( 'FEED_URL', 'API_BASE' ) as $what ) {
			if ( null === $this->override( $what ) ) {
				return sprintf( '%s in wp-config.php is not an http(s) URL such as https://updates.example.com.', self::override_constant( $what ) );
			}
		}
		return '';
	}

	/**
	 * Where the feed is read from: plugin.yaml's site_url, or the FEED_URL constant of
	 * wp-config.php, then the feed_url filter. Wherever it is read, the feed has to be signed
	 * by a key this plugin trusts (the keys pinned in Config, which no filter changes).
	 *
	 * @return string No trailing slash.
	 */
	public function feed_url() {
		$override = $this->override( 'FEED_URL' );
		$url      = is_string( $override ) && '' !== $override ? $override : Config::SITE_URL;
		return untrailingslashit( (string) apply_filters( Config::PREFIX . '_feed_url', $url ) );
	}

	/**
	 * The API base for register, health-check and download-url: plugin.yaml's api_base; the
	 * API_BASE constant of wp-config.php; or, with only FEED_URL set, the API at that URL's
	 * origin (where the Worker serves it beside the feed); then the api_base filter.
	 *
	 * @return string No trailing slash.
	 */
	public function api_base() {
		$api  = $this->override( 'API_BASE' );
		$feed = $this->override( 'FEED_URL' );
		if ( ! is_string( $api ) || '' === $api ) {
			$api = is_string( $feed ) && '' !== $feed ? self::origin_of( $feed ) . Config::API_PATH : Config::API_BASE;
		}
		return untrailingslashit( (string) apply_filters( Config::PREFIX . '_api_base', $api ) );
	}

	/**
	 * Where each address comes from, for the settings page.
	 *
	 * @param string $what FEED_URL or API_BASE.
	 * @return string e.g. "FEEDWRIGHT_MY_PLUGIN_FEED_URL in wp-config.php", or "the plugin".
	 */
	public function source_of( $what ) {
		if ( is_string( $this->override( $what ) ) && '' !== $this->override( $what ) ) {
			return self::override_constant( $what ) . ' in wp-config.php';
		}
		if ( 'API_BASE' === $what && is_string( $this->override( 'FEED_URL' ) ) && '' !== $this->override( 'FEED_URL' ) ) {
			return 'beside ' . self::override_constant( 'FEED_URL' ) . ' in wp-config.php';
		}
		return 'the plugin';
	}

	/**
	 * The scheme, host and port of a URL.
	 *
	 * @param string $url An http(s) URL.
	 * @return string
	 */
	private static function origin_of( $url ) {
		$parts = wp_parse_url( $url );
		$port  = isset( $parts['port'] ) ? ':' . (int) $parts['port'] : '';
		return strtolower( (string) $parts['scheme'] ) . '://' . (string) $parts['host'] . $port;
	}

	/**
	 * The channel this site follows.
	 *
	 * @return string "stable" or "beta".
	 */
	public function channel() {
		return 'beta' === get_option( Config::PREFIX . '_channel', Config::DEFAULT_CHANNEL ) ? 'beta' : 'stable';
	}

	/**
	 * This site's random id, made once: it places the site in or out of a release's rollout
	 * (the option <prefix>_site_id). Not the site id of the API key (credentials()) when the
	 * plugin keeps its own.
	 *
	 * @return string
	 */
	public function site_id() {
		$id = (string) get_option( Config::PREFIX . '_site_id', '' );
		if ( ! preg_match( '/' . Config::SITE_ID_PATTERN . '/D', $id ) ) {
			$id = 'wp-' . wp_generate_uuid4();
			update_option( Config::PREFIX . '_site_id', $id, true );
		}
		return $id;
	}

	/**
	 * The option holding the API key: the plugin's own (updater_credentials.api_key_option in
	 * plugin.yaml), else <prefix>_api_key, which the settings page saves.
	 *
	 * @return string
	 */
	public static function api_key_option() {
		return '' !== Config::API_KEY_OPTION ? Config::API_KEY_OPTION : Config::PREFIX . '_api_key';
	}

	/**
	 * The site id and API key register and health-check send: the plugin's own settings
	 * when plugin.yaml names them, else this updater's options.
	 *
	 * @return array{site_id: string, api_key: string}
	 */
	public function credentials() {
		$site_id = '' !== Config::SITE_ID_OPTION ? trim( (string) get_option( Config::SITE_ID_OPTION, '' ) ) : '';
		$api_key = trim( (string) get_option( self::api_key_option(), '' ) );
		return array(
			'site_id' => '' !== $site_id ? $site_id : $this->site_id(),
			'api_key' => $api_key,
		);
	}
}
