<?php
/**
 * feedwright updater: registering the site and reporting its health to the update service.
 *
 * @package feedwright
 */

namespace Feedwright_Updater_Source;

if ( ! defined( 'ABSPATH' ) ) {
	exit;
}

/**
 * Registers the site on activation, again right after an update of the plugin (so the update
 * service sees the new version at once, not a day later), and reports health daily (WP-Cron)
 * to the API, with the site's API key; keeps how each report went.
 */
final class Reporter {

	/**
	 * The installed plugin.
	 *
	 * @var Plugin
	 */
	private $plugin;

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
	 * Starts with what it reads.
	 *
	 * @param Plugin      $plugin   The installed plugin.
	 * @param Settings    $settings The updater's settings.
	 * @param State_Store $store    Where the state is kept.
	 */
	public function __construct( Plugin $plugin, Settings $settings, State_Store $store ) {
		$this->plugin   = $plugin;
		$this->settings = $settings;
		$this->store    = $store;
	}

	/**
	 * On activation: the site id, the daily report, and registering with the update service.
	 *
	 * @return void
	 */
	public function activate() {
		$this->settings->site_id();
		$this->ensure_schedule();
		$this->register_site();
	}

	/**
	 * On deactivation: no more daily reports.
	 *
	 * @return void
	 */
	public function deactivate() {
		wp_clear_scheduled_hook( Config::PREFIX . '_daily' );
	}

	/**
	 * Schedules the daily report when it is not.
	 *
	 * @return void
	 */
	public function ensure_schedule() {
		if ( ! wp_next_scheduled( Config::PREFIX . '_daily' ) ) {
			wp_schedule_event( time() + HOUR_IN_SECONDS, 'daily', Config::PREFIX . '_daily' );
		}
	}

	/**
	 * upgrader_process_complete: when this plugin was just updated, register again with the
	 * version now on disk (this request still runs the code it started with).
	 *
	 * @param mixed $upgrader   The upgrader.
	 * @param mixed $hook_extra What it did: action, type, plugin or plugins.
	 * @return void
	 */
	public function report_update( $upgrader = null, $hook_extra = array() ) {
		if ( ! is_array( $hook_extra ) || ! isset( $hook_extra['action'], $hook_extra['type'] ) || 'update' !== $hook_extra['action'] || 'plugin' !== $hook_extra['type'] ) {
			return;
		}
		$updated = isset( $hook_extra['plugins'] ) && is_array( $hook_extra['plugins'] ) ? $hook_extra['plugins'] : array();
		if ( isset( $hook_extra['plugin'] ) ) {
			$updated[] = $hook_extra['plugin'];
		}
		if ( ! in_array( $this->plugin->basename(), $updated, true ) ) {
			return;
		}
		$this->plugin->forget_headers();
		$this->register_site();
	}

	/**
	 * On an administrator's or WP-Cron's request: register again when the installed version is
	 * not the one last reported (an update made by an older updater, or by hand). Once per
	 * version, whatever the answer: a failed report waits for the daily health check.
	 *
	 * @return void
	 */
	public function report_new_version() {
		if ( ! is_admin() && ! wp_doing_cron() ) {
			return;
		}
		$reports = get_option( Config::PREFIX . '_reports', array() );
		if ( ! is_array( $reports ) || empty( $reports ) ) {
			// Never reported: activation registers (a copied-in plugin waits for the daily report).
			return;
		}
		$reported = isset( $reports['version'] ) ? (string) $reports['version'] : '';
		if ( $reported !== $this->plugin->installed_version() ) {
			$this->register_site();
		}
	}

	/**
	 * When the API key is set or changed: register with it now, so the settings page says at
	 * once whether the key works.
	 *
	 * @return void
	 */
	public function register_with_new_key() {
		if ( '' !== $this->settings->credentials()['api_key'] ) {
			$this->register_site();
		}
	}

	/**
	 * What every report says about the site: its plugin, WordPress and PHP versions, and what
	 * decides its offer (channel, rollout id), so the update service can tell whether it is
	 * outdated by the offer decision the Worker makes when a site asks for updates.
	 *
	 * @param string $site_id The site id of the API key.
	 * @return array
	 */
	private function site_facts( $site_id ) {
		return array(
			'site_id'     => $site_id,
			'version'     => $this->plugin->installed_version(),
			'wp_version'  => $this->plugin->wp_version(),
			'php_version' => $this->plugin->php_version(),
			'channel'     => $this->settings->channel(),
			'rollout_id'  => $this->settings->site_id(),
		);
	}

	/**
	 * POST /register/: this site, its plugin, WordPress and PHP versions, channel and rollout id.
	 *
	 * @return true|\WP_Error
	 */
	public function register_site() {
		$credentials = $this->settings->credentials();
		return $this->report( 'register', $this->site_facts( $credentials['site_id'] ) );
	}

	/**
	 * POST /health-check/, daily through WP-Cron.
	 *
	 * @return true|\WP_Error
	 */
	public function report_health() {
		$credentials = $this->settings->credentials();
		$state       = $this->store->get();
		$last_sync   = (int) $state['checked_at'] > 0 ? gmdate( 'Y-m-d\TH:i:s\Z', (int) $state['checked_at'] ) : '';
		return $this->report(
			'health-check',
			array_merge(
				$this->site_facts( $credentials['site_id'] ),
				array(
					'status'    => (string) apply_filters( Config::PREFIX . '_health_status', 'active' ),
					'last_sync' => (string) apply_filters( Config::PREFIX . '_last_sync', $last_sync ),
				)
			)
		);
	}

	/**
	 * Sends one report and keeps how it went, for the settings page.
	 *
	 * @param string $action register or health-check.
	 * @param array  $body   JSON body.
	 * @return true|\WP_Error
	 */
	private function report( $action, array $body ) {
		$credentials = $this->settings->credentials();
		$reports     = get_option( Config::PREFIX . '_reports', array() );
		$reports     = is_array( $reports ) ? $reports : array();
		if ( '' === $credentials['api_key'] ) {
			$result = new \WP_Error( Config::PREFIX . '_no_api_key', 'No API key is set, so this site does not report to the update service.' );
		} else {
			$response = wp_remote_post(
				$this->settings->api_base() . '/' . Config::PLUGIN_FOLDER . '/' . $action . '/',
				array(
					'timeout'     => 5,
					'headers'     => array(
						'Authorization' => Config::API_KEY_SCHEME . ' ' . $credentials['api_key'],
						'Content-Type'  => 'application/json',
						'Accept'        => 'application/json',
					),
					'body'        => wp_json_encode( $body ),
					'data_format' => 'body',
				)
			);
			$code   = is_wp_error( $response ) ? 0 : (int) wp_remote_retrieve_response_code( $response );
			$result = $code >= 200 && $code < 300 ? true : new \WP_Error(
				Config::PREFIX . '_report',
				is_wp_error( $response ) ? $response->get_error_message() : sprintf( 'HTTP %d: %s', $code, substr( (string) wp_remote_retrieve_body( $response ), 0, 200 ) )
			);
		}
		$reports[ $action ] = array(
			'at'      => time(),
			'ok'      => true === $result,
			'error'   => is_wp_error( $result ) ? $result->get_error_message() : '',
			'version' => (string) $body['version'],
		);
		// The version last reported (or tried): report_new_version() registers when it changes.
		$reports['version'] = (string) $body['version'];
		update_option( Config::PREFIX . '_reports', $reports, false );
		return $result;
	}
}
