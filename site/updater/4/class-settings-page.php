<?php
/**
 * feedwright updater: what a site's administrators see (settings page, withdrawn notice).
 *
 * @package feedwright
 */

namespace Feedwright_Updater_Source;

if ( ! defined( 'ABSPATH' ) ) {
	exit;
}

/**
 * Settings > <plugin> updates (channel, API key, the last check and reports), and the notice
 * under a withdrawn version on the Plugins screen.
 */
final class Settings_Page {

	/**
	 * The updater, for the offer and the installed release.
	 *
	 * @var Updater
	 */
	private $updater;

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
	 * Starts with what it shows.
	 *
	 * @param Updater     $updater  The updater.
	 * @param Plugin      $plugin   The installed plugin.
	 * @param Settings    $settings The updater's settings.
	 * @param State_Store $store    Where the state is kept.
	 */
	public function __construct( Updater $updater, Plugin $plugin, Settings $settings, State_Store $store ) {
		$this->updater  = $updater;
		$this->plugin   = $plugin;
		$this->settings = $settings;
		$this->store    = $store;
	}

	/**
	 * On the Plugins screen, under a withdrawn (deprecated) version: that it was withdrawn,
	 * and why.
	 *
	 * @return void
	 */
	public function show_withdrawn_notice() {
		global $wp_list_table;
		if ( ! $this->updater->installed_withdrawn() ) {
			return;
		}
		$version = $this->plugin->installed_version();
		$message = sprintf( 'Version %s was withdrawn.', $version );
		// Read once from deprecations.json (the check says only that it was withdrawn).
		$reason = $this->updater->feed()->deprecation_reason( $version );
		if ( '' !== $reason ) {
			$message .= ' ' . $reason;
		}
		$columns = is_object( $wp_list_table ) && method_exists( $wp_list_table, 'get_column_count' ) ? (int) $wp_list_table->get_column_count() : 4;
		printf(
			'<tr class="plugin-update-tr active"><td colspan="%d" class="plugin-update colspanchange"><div class="update-message notice inline notice-error notice-alt"><p>%s</p></div></td></tr>',
			(int) $columns,
			esc_html( $message )
		);
	}

	/**
	 * Why the last check failed, or '' when it did not: "could not check: <why>", with when
	 * the updater tries again by itself.
	 *
	 * @return string
	 */
	public function check_problem() {
		$state = $this->store->get();
		if ( '' === $state['last_error'] ) {
			return '';
		}
		$message = 'could not check: ' . $state['last_error'];
		if ( (int) $state['next_retry_at'] > time() ) {
			$message .= ' Next try ' . gmdate( 'Y-m-d H:i', (int) $state['next_retry_at'] ) . ' UTC, or now with Dashboard > Updates > Check again.';
		}
		return $message;
	}

	/**
	 * On the Plugins screen, under this plugin: the last check failed, why, and the way to
	 * check again; so a refused feed is never taken for "no update".
	 *
	 * @return void
	 */
	public function show_check_problem() {
		global $wp_list_table;
		$problem = $this->check_problem();
		if ( '' === $problem || ! current_user_can( 'update_plugins' ) ) {
			return;
		}
		$columns = is_object( $wp_list_table ) && method_exists( $wp_list_table, 'get_column_count' ) ? (int) $wp_list_table->get_column_count() : 4;
		printf(
			'<tr class="plugin-update-tr active"><td colspan="%d" class="plugin-update colspanchange"><div class="update-message notice inline notice-warning notice-alt"><p>%s <a href="%s">Check again</a></p></div></td></tr>',
			(int) $columns,
			esc_html( sprintf( '%s %s', $this->plugin->headers()['Name'], $problem ) ),
			esc_url( self_admin_url( 'update-core.php?force-check=1' ) )
		);
	}

	/**
	 * Where this site falls for the rollout of its channel's newest release (0 to 99; a
	 * release at R% goes to the sites below R).
	 *
	 * @return string
	 */
	public function rollout_status() {
		$latest = $this->updater->channel_latest();
		if ( null === $latest ) {
			return 'no release on this channel yet';
		}
		$bucket = Offer::rollout_bucket( Config::SLUG, $latest['version'], $this->settings->site_id() );
		if ( (int) $latest['rollout'] >= Config::ROLLOUT_BUCKETS ) {
			return sprintf( '%s goes to every site (this site is in bucket %d of 0-%d)', $latest['version'], $bucket, Config::ROLLOUT_BUCKETS - 1 );
		}
		return sprintf(
			'%s goes to %d%% of sites, those in buckets 0-%d; this site is in bucket %d: %s',
			$latest['version'],
			(int) $latest['rollout'],
			(int) $latest['rollout'] - 1,
			$bucket,
			$bucket < (int) $latest['rollout'] ? 'inside the rollout' : sprintf( 'outside, until the rollout reaches %d%%', $bucket + 1 )
		);
	}

	/**
	 * The settings this page saves: the channel, and the API key unless the plugin keeps its own.
	 *
	 * @return void
	 */
	public function register_settings() {
		register_setting(
			Config::PREFIX,
			Config::PREFIX . '_channel',
			array(
				'type'              => 'string',
				'default'           => Config::DEFAULT_CHANNEL,
				'sanitize_callback' => function ( $value ) {
					return 'beta' === $value ? 'beta' : 'stable';
				},
			)
		);
		if ( '' === Config::API_KEY_OPTION ) {
			register_setting(
				Config::PREFIX,
				Config::PREFIX . '_api_key',
				array(
					'type'              => 'string',
					'default'           => '',
					'sanitize_callback' => function ( $value ) {
						$value = trim( sanitize_text_field( (string) $value ) );
						return '' === $value ? (string) get_option( Config::PREFIX . '_api_key', '' ) : $value;
					},
				)
			);
		}
	}

	/**
	 * Settings > <plugin> updates.
	 *
	 * @return void
	 */
	public function add_settings_page() {
		$headers = $this->plugin->headers();
		add_options_page(
			sprintf( '%s updates', $headers['Name'] ),
			sprintf( '%s updates', $headers['Name'] ),
			'manage_options',
			Config::PREFIX,
			array( $this, 'render_settings_page' )
		);
	}

	/**
	 * The page: channel and API key, then what the last checks and reports found.
	 *
	 * @return void
	 */
	public function render_settings_page() {
		if ( ! current_user_can( 'manage_options' ) ) {
			return;
		}
		$headers     = $this->plugin->headers();
		$state       = $this->store->get();
		$credentials = $this->settings->credentials();
		$reports     = get_option( Config::PREFIX . '_reports', array() );
		$offer       = $this->updater->offer();
		$problem     = $this->check_problem();
		if ( '' !== $problem ) {
			$status = $problem;
		} elseif ( (int) $state['checked_at'] <= 0 ) {
			$status = 'not checked yet';
		} else {
			$status = null !== $offer ? sprintf( 'update to %s available', $offer['version'] ) : 'up to date';
		}
		$rows = array(
			'Status'                 => $status,
			'Installed version'      => $this->plugin->installed_version(),
			'Offered update'         => null !== $offer ? $offer['version'] : 'none',
			'Channel'                => 'beta' === $this->settings->channel() ? 'beta (stable releases and test versions)' : 'stable',
			'Rollout'                => $this->rollout_status(),
			'Rollout site id'        => $this->settings->site_id(),
			'Feed'                   => $this->settings->feed_url() . '/' . Config::FEED_PATH . ' (from ' . $this->settings->source_of( 'FEED_URL' ) . ')',
			'API'                    => $this->settings->api_base() . ' (from ' . $this->settings->source_of( 'API_BASE' ) . ')',
			'Last good check'        => (int) $state['checked_at'] > 0 ? gmdate( 'Y-m-d H:i', (int) $state['checked_at'] ) . ' UTC, serial ' . (int) $state['serial'] : 'never',
			'Site id (for API keys)' => $credentials['site_id'],
		);
		$held = $this->updater->holds()->held();
		if ( array() !== $held ) {
			$rows['Rollout paused'] = sprintf( 'the vendor holds back %s until its rollout resumes (asked at %s)', implode( ', ', $held ), $this->updater->holds()->url() );
		}
		foreach ( array( 'register', 'health-check' ) as $action ) {
			if ( is_array( $reports ) && isset( $reports[ $action ]['at'] ) ) {
				$rows[ 'Last ' . $action ] = gmdate( 'Y-m-d H:i', (int) $reports[ $action ]['at'] ) . ' UTC: ' . ( $reports[ $action ]['ok'] ? 'ok' : $reports[ $action ]['error'] );
			}
		}
		echo '<div class="wrap"><h1>' . esc_html( sprintf( '%s updates', $headers['Name'] ) ) . '</h1>';
		echo '<form method="post" action="options.php">';
		settings_fields( Config::PREFIX );
		echo '<table class="form-table" role="presentation"><tr><th scope="row">Update channel</th><td><select name="' . esc_attr( Config::PREFIX . '_channel' ) . '">';
		foreach ( array( 'stable' => 'Stable releases', 'beta' => 'Beta: stable releases and test versions' ) as $value => $label ) {
			echo '<option value="' . esc_attr( $value ) . '"' . selected( $this->settings->channel(), $value, false ) . '>' . esc_html( $label ) . '</option>';
		}
		echo '</select></td></tr>';
		if ( '' === Config::API_KEY_OPTION ) {
			$masked = '' !== $credentials['api_key'] ? str_repeat( '*', 12 ) . substr( $credentials['api_key'], -4 ) : '';
			echo '<tr><th scope="row">API key</th><td><input type="password" class="regular-text" autocomplete="off" name="' . esc_attr( Config::PREFIX . '_api_key' ) . '" placeholder="' . esc_attr( $masked ) . '"></td></tr>';
		}
		echo '</table>';
		submit_button();
		echo '</form><table class="widefat striped"><tbody>';
		foreach ( $rows as $label => $value ) {
			echo '<tr><th scope="row">' . esc_html( $label ) . '</th><td>' . esc_html( (string) $value ) . '</td></tr>';
		}
		echo '</tbody></table></div>';
	}
}
