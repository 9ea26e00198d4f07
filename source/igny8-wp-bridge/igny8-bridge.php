<?php
/**
 * Plugin Name: IGNY8 WordPress Bridge
 * Plugin URI: https://igny8.com
 * Description: Connects your WordPress site to IGNY8 and keeps published content in sync.
 * Version: 1.4.0
 * Author: IGNY8
 * Author URI: https://igny8.com
 * License: GPL-2.0-or-later
 * License URI: https://www.gnu.org/licenses/gpl-2.0.html
 * Requires at least: 6.0
 * Requires PHP: 7.4
 * Text Domain: igny8-bridge
 *
 * @package Igny8_Bridge
 */

if ( ! defined( 'ABSPATH' ) ) { exit; }

define( 'IGNY8_BRIDGE_VERSION', '1.4.0' );
define( 'IGNY8_BRIDGE_API_BASE', 'https://api.igny8.com/api' );
define( 'IGNY8_BRIDGE_FILE', __FILE__ );
define( 'IGNY8_BRIDGE_DIR', plugin_dir_path( __FILE__ ) );

require_once IGNY8_BRIDGE_DIR . 'includes/class-igny8-bridge-settings.php';
require_once IGNY8_BRIDGE_DIR . 'includes/class-igny8-bridge-api-client.php';
require_once IGNY8_BRIDGE_DIR . 'includes/class-igny8-bridge-sync.php';
require_once IGNY8_BRIDGE_DIR . 'admin/class-igny8-bridge-admin.php';

// Updates from IGNY8's feedwright feed: the build writes this file into every package.
if ( file_exists( IGNY8_BRIDGE_DIR . 'includes/feedwright-updater.php' ) ) {
	require_once IGNY8_BRIDGE_DIR . 'includes/feedwright-updater.php';
}

/**
 * Activation: create the options and schedule the background sync.
 *
 * @return void
 */
function igny8_bridge_activate() {
	add_option( Igny8_Bridge_Settings::SITE_ID_OPTION, '' );
	add_option( Igny8_Bridge_Settings::API_KEY_OPTION, '', '', false );

	if ( ! wp_next_scheduled( Igny8_Bridge_Sync::CRON_HOOK ) ) {
		wp_schedule_event( time() + HOUR_IN_SECONDS, 'hourly', Igny8_Bridge_Sync::CRON_HOOK );
	}
}
register_activation_hook( __FILE__, 'igny8_bridge_activate' );

/**
 * Deactivation: stop the background sync. Options are kept until uninstall.
 *
 * @return void
 */
function igny8_bridge_deactivate() {
	wp_clear_scheduled_hook( Igny8_Bridge_Sync::CRON_HOOK );
}
register_deactivation_hook( __FILE__, 'igny8_bridge_deactivate' );

/**
 * Wires up the plugin services.
 *
 * @return void
 */
function igny8_bridge_init() {
	$settings = new Igny8_Bridge_Settings();
	$client   = new Igny8_Bridge_Api_Client( $settings );
	$sync     = new Igny8_Bridge_Sync( $client, $settings );
	$sync->register();

	if ( is_admin() ) {
		$admin = new Igny8_Bridge_Admin( $settings, $sync );
		$admin->register();
	}
}
add_action( 'plugins_loaded', 'igny8_bridge_init' );
