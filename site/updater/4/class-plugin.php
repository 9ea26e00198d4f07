<?php
/**
 * feedwright updater: the plugin it updates, as this site has it installed.
 *
 * @package feedwright
 */

namespace Feedwright_Updater_Source;

if ( ! defined( 'ABSPATH' ) ) {
	exit;
}

/**
 * The installed plugin: its main file, its headers and its version, and the PHP and
 * WordPress it runs on.
 */
final class Plugin {

	/**
	 * Absolute path of the plugin's main file.
	 *
	 * @var string
	 */
	private $main_file;

	/**
	 * Plugin headers, read once per request.
	 *
	 * @var array|null
	 */
	private $headers = null;

	/**
	 * Starts with the plugin's main file.
	 *
	 * @param string $main_file Absolute path of the plugin's main file.
	 */
	public function __construct( $main_file ) {
		$this->main_file = $main_file;
	}

	/**
	 * The plugin's main file.
	 *
	 * @return string Absolute path.
	 */
	public function main_file() {
		return $this->main_file;
	}

	/**
	 * The plugin as WordPress names it.
	 *
	 * @return string e.g. my-plugin/my-plugin.php
	 */
	public function basename() {
		return plugin_basename( $this->main_file );
	}

	/**
	 * The plugin's own header: the installed version comes from here, not from the update
	 * transient's "checked" list (missing after an expired check before WordPress 6.8).
	 *
	 * @return array{Name: string, Version: string, PluginURI: string, UpdateURI: string}
	 */
	public function headers() {
		if ( null === $this->headers ) {
			$this->headers = get_file_data(
				$this->main_file,
				array(
					'Name'      => 'Plugin Name',
					'Version'   => 'Version',
					'PluginURI' => 'Plugin URI',
					'UpdateURI' => 'Update URI',
				),
				'plugin'
			);
		}
		return $this->headers;
	}

	/**
	 * Reads the header again next time: after an update, the file holds another version than
	 * this request started with.
	 *
	 * @return void
	 */
	public function forget_headers() {
		$this->headers = null;
	}

	/**
	 * The installed version, from the plugin header.
	 *
	 * @return string
	 */
	public function installed_version() {
		$headers = $this->headers();
		return (string) $headers['Version'];
	}

	/**
	 * This site's WordPress version.
	 *
	 * @return string
	 */
	public function wp_version() {
		return (string) get_bloginfo( 'version' );
	}

	/**
	 * This site's WordPress version and those of the core updates on offer, for "tested up to"
	 * (Versions::tested_up_to()).
	 *
	 * @return string[]
	 */
	public function wp_versions_in_view() {
		$versions = array( $this->wp_version() );
		$updates  = function_exists( 'get_core_updates' ) ? get_core_updates() : array();
		foreach ( is_array( $updates ) ? $updates : array() as $update ) {
			if ( is_object( $update ) && isset( $update->current ) && is_string( $update->current ) ) {
				$versions[] = $update->current;
			}
		}
		return $versions;
	}

	/**
	 * PHP as the site reports it to the Worker: a distribution's suffix on PHP_VERSION
	 * ("8.1.2-1ubuntu2") would read as a prerelease.
	 *
	 * @return string
	 */
	public function php_version() {
		return PHP_MAJOR_VERSION . '.' . PHP_MINOR_VERSION . '.' . PHP_RELEASE_VERSION;
	}
}
