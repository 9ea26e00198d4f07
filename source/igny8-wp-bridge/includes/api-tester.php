<?php
/**
 * DEV ONLY: quick manual check of the IGNY8 API connection. Not loaded by
 * the plugin and must not ship. Registers `wp igny8-api-test` when loaded
 * through WP-CLI (e.g. `wp --require=includes/api-tester.php igny8-api-test`).
 * @package Igny8_Bridge
 */

if ( ! defined( 'ABSPATH' ) ) { exit; }

/**
 * Runs the connection test. No request is made until the command is invoked.
 *
 * @return void
 */
function igny8_bridge_api_tester() {
	$settings = new Igny8_Bridge_Settings();
	$client   = new Igny8_Bridge_Api_Client( $settings );

	WP_CLI::log( 'Endpoint: ' . $client->build_url( $client->site_endpoint( '' ) ) );
	WP_CLI::log( 'API key:  ' . Igny8_Bridge_Settings::mask_key( $settings->get_api_key() ) );

	$health = $client->health_check();
	if ( is_wp_error( $health ) ) {
		WP_CLI::error( $health->get_error_message() );
	}
	WP_CLI::log( 'Health: ' . ( $health ? 'ok' : 'NOT ok' ) );
}

if ( defined( 'WP_CLI' ) && WP_CLI ) {
	WP_CLI::add_command( 'igny8-api-test', 'igny8_bridge_api_tester' );
}
