<?php
/**
 * Uninstall: remove every option the plugin created.
 * @package Igny8_Bridge
 */

if ( ! defined( 'WP_UNINSTALL_PLUGIN' ) ) { exit; }

delete_option( 'igny8_bridge_site_id' );
delete_option( 'igny8_bridge_api_key' );
delete_option( 'igny8_bridge_last_sync' );
delete_option( 'igny8_bridge_last_taxonomy_sync' );

wp_clear_scheduled_hook( 'igny8_bridge_sync_event' );
