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
		$release = $this->updater->installed_release();
		if ( null === $release || 'deprecated' !== $release['status'] ) {
			return;
		}
		$message = sprintf( 'Version %s was withdrawn.', $release['version'] );
		if ( '' !== $release['reason'] ) {
			$message .= ' ' . $release['reason'];
		}
		$columns = is_object( $wp_list_table ) && method_exists( $wp_list_table, 'get_column_count' ) ? (int) $wp_list_table->get_column_count() : 4;
		printf(
			'<tr class="plugin-update-tr active"><td colspan="%d" class="plugin-update colspanchange"><div class="update-message notice inline notice-error notice-alt"><p>%s</p></div></td></tr>',
			(int) $columns,
			esc_html( $message )
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
		$rows        = array(
			'Installed version'      => $this->plugin->installed_version(),
			'Offered update'         => null !== $offer ? $offer['version'] : 'none',
			'Feed'                   => $this->settings->feed_url() . '/' . Config::FEED_PATH,
			'Last good check'        => (int) $state['checked_at'] > 0 ? gmdate( 'Y-m-d H:i', (int) $state['checked_at'] ) . ' UTC, serial ' . (int) $state['serial'] : 'never',
			'Details document'       => '' !== $state['info_error'] ? $state['info_error'] : 'verified against the signed feed',
			'Last problem'           => '' !== $state['last_error'] ? $state['last_error'] . ' (next try ' . gmdate( 'Y-m-d H:i', (int) $state['next_retry_at'] ) . ' UTC)' : 'none',
			'Site id (for API keys)' => $credentials['site_id'],
		);
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
