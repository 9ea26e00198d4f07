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
	 * Where the feed is read from. The filter exists so tests can point a site at a local
	 * feed; the feed still has to be signed by a pinned key.
	 *
	 * @return string No trailing slash.
	 */
	public function feed_url() {
		return untrailingslashit( (string) apply_filters( Config::PREFIX . '_feed_url', Config::SITE_URL ) );
	}

	/**
	 * The API base for register, health-check and download-url.
	 *
	 * @return string No trailing slash.
	 */
	public function api_base() {
		return untrailingslashit( (string) apply_filters( Config::PREFIX . '_api_base', Config::API_BASE ) );
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
	 * This site's random id, made once: it places the site in or out of a release's rollout.
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
	 * The site id and API key register and health-check send: the plugin's own settings
	 * when plugin.yaml names them, else this updater's options.
	 *
	 * @return array{site_id: string, api_key: string}
	 */
	public function credentials() {
		$site_id = '' !== Config::SITE_ID_OPTION ? trim( (string) get_option( Config::SITE_ID_OPTION, '' ) ) : '';
		$api_key = trim( (string) get_option( '' !== Config::API_KEY_OPTION ? Config::API_KEY_OPTION : Config::PREFIX . '_api_key', '' ) );
		return array(
			'site_id' => '' !== $site_id ? $site_id : $this->site_id(),
			'api_key' => $api_key,
		);
	}
}
