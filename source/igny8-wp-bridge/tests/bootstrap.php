<?php
/**
 * PHPUnit bootstrap: minimal WordPress stubs so the API client can be
 * unit tested without a WordPress install.
 * @package Igny8_Bridge
 */

if ( ! defined( 'ABSPATH' ) ) {
	define( 'ABSPATH', __DIR__ . '/' );
}
if ( ! defined( 'IGNY8_BRIDGE_API_BASE' ) ) {
	define( 'IGNY8_BRIDGE_API_BASE', 'https://api.igny8.com/api' );
}

$GLOBALS['igny8_test_options'] = array();

if ( ! function_exists( 'get_option' ) ) {
	function get_option( $name, $default = false ) {
		return array_key_exists( $name, $GLOBALS['igny8_test_options'] ) ? $GLOBALS['igny8_test_options'][ $name ] : $default;
	}
}
if ( ! function_exists( 'sanitize_text_field' ) ) {
	function sanitize_text_field( $str ) {
		return trim( preg_replace( '/[\r\n\t ]+/', ' ', strip_tags( (string) $str ) ) );
	}
}
if ( ! function_exists( 'trailingslashit' ) ) {
	function trailingslashit( $value ) {
		return rtrim( (string) $value, '/\\' ) . '/';
	}
}

require_once dirname( __DIR__ ) . '/includes/class-igny8-bridge-settings.php';
require_once dirname( __DIR__ ) . '/includes/class-igny8-bridge-api-client.php';
