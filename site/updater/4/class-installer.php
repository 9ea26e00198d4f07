<?php
/**
 * feedwright updater: installing an update of this plugin, only from a package it verified.
 *
 * @package feedwright
 */

namespace Feedwright_Updater_Source;

if ( ! defined( 'ABSPATH' ) ) {
	exit;
}

/**
 * Before WordPress installs an update of this plugin, downloads the package itself and
 * refuses it unless it verifies against a trusted key with a signature the signed feed lists
 * for that release, from whatever URL it came (core alone only warns); then installs it into
 * the folder the plugin already lives in. The download request says what started it and which
 * version this site runs; a release whose rollout the vendor halted is refused and held back.
 */
final class Installer {

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
	 * The verified feed.
	 *
	 * @var Feed
	 */
	private $feed;

	/**
	 * The releases the vendor holds back.
	 *
	 * @var Holds
	 */
	private $holds;

	/**
	 * Starts with what it reads.
	 *
	 * @param Plugin      $plugin   The installed plugin.
	 * @param Settings    $settings The updater's settings.
	 * @param State_Store $store    Where the state is kept.
	 * @param Feed        $feed     The verified feed.
	 * @param Holds       $holds    The releases the vendor holds back.
	 */
	public function __construct( Plugin $plugin, Settings $settings, State_Store $store, Feed $feed, Holds $holds ) {
		$this->plugin   = $plugin;
		$this->settings = $settings;
		$this->store    = $store;
		$this->feed     = $feed;
		$this->holds    = $holds;
	}

	/**
	 * What started a download, as the download request says it (Config::DOWNLOAD_KIND_PARAM):
	 * WordPress's automatic background update, or a person. WP_Automatic_Updater::update()
	 * (wp-admin/includes/class-wp-automatic-updater.php) runs the upgrader with an
	 * Automatic_Upgrader_Skin. The Plugins screen's "Update now" runs it with
	 * WP_Ajax_Upgrader_Skin, which extends Automatic_Upgrader_Skin, so that one is a person's;
	 * update.php, the bulk update of Dashboard > Updates and WP-CLI use skins of their own.
	 *
	 * @param \WP_Upgrader|null $upgrader The upgrader running the download, if any.
	 * @return string Config::DOWNLOAD_KIND_AUTO or Config::DOWNLOAD_KIND_MANUAL.
	 */
	public static function download_kind( $upgrader ) {
		$skin = is_object( $upgrader ) && isset( $upgrader->skin ) ? $upgrader->skin : null;
		if ( $skin instanceof \Automatic_Upgrader_Skin && ! $skin instanceof \WP_Ajax_Upgrader_Skin ) {
			return Config::DOWNLOAD_KIND_AUTO;
		}
		return Config::DOWNLOAD_KIND_MANUAL;
	}

	/**
	 * A URL with the download request's facts in its query: what started the download and the
	 * version this site runs (the Worker serves a release whose rollout is halted to a site
	 * already on it). Pairs already there are kept byte for byte, so a private plugin's signed
	 * URL stays valid (its signature covers the version and the expiry only); a kind or
	 * installed version the URL already carried is replaced.
	 *
	 * @param string $url   The URL.
	 * @param array  $facts Parameter => value.
	 * @return string
	 */
	public static function with_query( $url, array $facts ) {
		$fragment = '';
		$hash     = strpos( $url, '#' );
		if ( false !== $hash ) {
			$fragment = substr( $url, $hash );
			$url      = substr( $url, 0, $hash );
		}
		$question = strpos( $url, '?' );
		$base     = false === $question ? $url : substr( $url, 0, $question );
		$pairs    = false === $question ? array() : explode( '&', substr( $url, $question + 1 ) );
		$kept     = array();
		foreach ( $pairs as $pair ) {
			$name = rawurldecode( str_replace( '+', ' ', explode( '=', $pair, 2 )[0] ) );
			if ( '' !== $pair && ! array_key_exists( $name, $facts ) ) {
				$kept[] = $pair;
			}
		}
		foreach ( $facts as $name => $value ) {
			$kept[] = rawurlencode( (string) $name ) . '=' . rawurlencode( (string) $value );
		}
		return $base . '?' . implode( '&', $kept ) . $fragment;
	}

	/**
	 * What a download request of this site says besides the version: what started it, and
	 * the installed version, left out when the header gives none that reads as a version (the
	 * Worker could not place the site on a release by it).
	 *
	 * @param string $kind What started it (download_kind()).
	 * @return array Parameter => value.
	 */
	private function download_facts( $kind ) {
		$facts     = array( Config::DOWNLOAD_KIND_PARAM => $kind );
		$installed = trim( $this->plugin->installed_version(), " \t\n\r\v\f" );
		if ( null !== Versions::parse( $installed ) ) {
			$facts[ Config::INSTALLED_VERSION_PARAM ] = $installed;
		}
		return $facts;
	}

	/**
	 * Is this upgrade about this plugin's package?
	 *
	 * @param string $package    Package URL.
	 * @param array  $hook_extra What the upgrader says it is doing.
	 * @return bool
	 */
	private function is_own_package( $package, $hook_extra ) {
		if ( is_array( $hook_extra ) && isset( $hook_extra['plugin'] ) && $hook_extra['plugin'] === $this->plugin->basename() ) {
			return true;
		}
		$own = $this->settings->feed_url() . '/' . Config::PLUGIN_FOLDER . '/';
		return is_string( $package ) && substr( $package, 0, strlen( $own ) ) === $own;
	}

	/**
	 * upgrader_pre_download: download this plugin's package here and refuse it unless it
	 * verifies against a trusted key (see check_package()). WordPress core would only
	 * warn, then install.
	 *
	 * @param mixed       $reply      False, or another filter's answer.
	 * @param string      $package    Package URL.
	 * @param \WP_Upgrader $upgrader   The upgrader.
	 * @param array       $hook_extra What it is doing.
	 * @return mixed A verified local file, a \WP_Error, or $reply untouched.
	 */
	public function filter_pre_download( $reply, $package, $upgrader = null, $hook_extra = array() ) {
		if ( is_wp_error( $reply ) || ! is_string( $package ) || ! preg_match( '#^https?://#i', $package ) || ! $this->is_own_package( $package, $hook_extra ) ) {
			return $reply;
		}
		if ( is_string( $reply ) && '' !== $reply && file_exists( $reply ) ) {
			// Another filter fetched the package: it is checked all the same.
			$refused = $this->check_package( $reply, $package );
			return is_wp_error( $refused ) ? $refused : $reply;
		}
		if ( false !== $reply ) {
			return new \WP_Error( Config::PREFIX . '_signature_missing', 'Update refused: the package could not be checked. Nothing was installed.' );
		}
		if ( ! function_exists( 'download_url' ) ) {
			require_once ABSPATH . 'wp-admin/includes/file.php';
		}
		if ( is_object( $upgrader ) && isset( $upgrader->skin ) && is_object( $upgrader->skin ) ) {
			$upgrader->skin->feedback( 'downloading_package', esc_html( $package ) );
		}
		$facts  = $this->download_facts( self::download_kind( $upgrader ) );
		$source = $this->download_source( $package, $facts );
		if ( is_wp_error( $source ) ) {
			return $source;
		}
		$download = $this->download_package( self::with_query( $source, $facts ), $package );
		if ( is_wp_error( $download ) ) {
			return $download;
		}
		$file    = $download['file'];
		$refused = $this->check_package( $file, $package, $download['signature'] );
		if ( is_wp_error( $refused ) ) {
			wp_delete_file( $file );
			return $refused;
		}
		if ( is_object( $upgrader ) && isset( $upgrader->skin ) && is_object( $upgrader->skin ) ) {
			$upgrader->skin->feedback( esc_html( sprintf( 'The package is signed by a key %s trusts.', Config::SLUG ) ) );
		}
		return $file;
	}

	/**
	 * Where to download a package from. A private plugin's package needs a signed,
	 * expiring URL, which the update service gives this site for its API key; the
	 * signature file stays at the package's own (public) address.
	 *
	 * @param string $package The package's URL in the feed.
	 * @param array  $facts   What the download request says besides the version (download_facts()).
	 * @return string|\WP_Error
	 */
	private function download_source( $package, array $facts ) {
		$state = $this->store->get();
		if ( empty( $state['private'] ) ) {
			return $package;
		}
		$version     = $this->package_version( $package );
		$credentials = $this->settings->credentials();
		if ( '' === $version || '' === $credentials['api_key'] ) {
			return new \WP_Error(
				Config::PREFIX . '_private_download',
				'Update refused: this plugin is private and downloads need this site\'s API key (set it in the plugin\'s settings). Nothing was installed.'
			);
		}
		// The installed version, not the kind: asking for a URL is not a download.
		$asked    = array_intersect_key( $facts, array( Config::INSTALLED_VERSION_PARAM => true ) );
		$response = wp_remote_get(
			self::with_query( $this->settings->api_base() . '/' . Config::PLUGIN_FOLDER . '/download-url/?version=' . rawurlencode( $version ), $asked ),
			array(
				'timeout' => 10,
				'headers' => array(
					'Authorization' => Config::API_KEY_SCHEME . ' ' . $credentials['api_key'],
					'Accept'        => 'application/json',
				),
			)
		);
		$code = is_wp_error( $response ) ? 0 : (int) wp_remote_retrieve_response_code( $response );
		if ( $this->is_rollout_halted( $code, is_wp_error( $response ) ? '' : (string) wp_remote_retrieve_body( $response ) ) ) {
			return $this->refuse_halted( $version );
		}
		$body = 200 === $code ? json_decode( (string) wp_remote_retrieve_body( $response ), true ) : null;
		if ( ! is_array( $body ) || empty( $body['url'] ) || ! is_string( $body['url'] ) ) {
			return new \WP_Error(
				Config::PREFIX . '_private_download',
				sprintf(
					'Update refused: the update service gave no download URL for this private plugin (%s). Nothing was installed.',
					is_wp_error( $response ) ? $response->get_error_message() : 'HTTP ' . $code
				)
			);
		}
		return $body['url'];
	}

	/**
	 * The version of the verified feed's package a URL asks for: its ?version= (the Worker's
	 * .../download/?version=1.2.0), else the package whose file name it ends in. '' when neither.
	 *
	 * @param string $package The package's URL.
	 * @return string
	 */
	private function package_version( $package ) {
		$query = array();
		parse_str( (string) wp_parse_url( $package, PHP_URL_QUERY ), $query );
		$file  = rawurldecode( basename( (string) wp_parse_url( $package, PHP_URL_PATH ) ) );
		$found = '';
		foreach ( $this->store->offers( 'packages' ) as $release ) {
			if ( ! is_array( $release ) || ! isset( $release['file'], $release['version'] ) ) {
				continue;
			}
			if ( isset( $query['version'] ) && is_string( $query['version'] ) && 0 === Versions::compare( $release['version'], $query['version'] ) ) {
				return (string) $release['version'];
			}
			if ( $release['file'] === $file ) {
				$found = (string) $release['version'];
			}
		}
		return $found;
	}

	/**
	 * Is this the Worker's refusal of a release whose rollout the vendor halted (HTTP 409 with
	 * the error code Config::ROLLOUT_HALTED_CODE)?
	 *
	 * @param int    $code The HTTP status.
	 * @param string $body The answer's body (its beginning is enough).
	 * @return bool
	 */
	public static function is_rollout_halted( $code, $body ) {
		if ( 409 !== (int) $code ) {
			return false;
		}
		$answer = json_decode( (string) $body, true );
		return is_array( $answer ) && isset( $answer['error']['code'] ) && Config::ROLLOUT_HALTED_CODE === $answer['error']['code'];
	}

	/**
	 * Refuses the update of a release whose rollout is halted, and holds the release back
	 * until the next check (which asks the update service again), so this site is offered the
	 * release before it, if any, meanwhile.
	 *
	 * @param string $version The release refused ('' when the URL names none the feed lists).
	 * @return \WP_Error
	 */
	private function refuse_halted( $version ) {
		if ( '' !== $version ) {
			$this->holds->hold( $version );
			// The update list takes it at once: filter_update_transient() offers again, without it
			// (and without reading the feed, which would ask for the holds again).
			$this->feed->skip_this_request();
			$transient = get_site_transient( 'update_plugins' );
			if ( is_object( $transient ) ) {
				set_site_transient( 'update_plugins', $transient );
			}
		}
		return new \WP_Error(
			Config::PREFIX . '_' . Config::ROLLOUT_HALTED_CODE,
			sprintf(
				'Update refused: the vendor has paused the rollout of %s; nothing was installed. This site is offered it again when the rollout resumes.',
				'' !== $version ? Config::SLUG . ' ' . $version : 'this release of ' . Config::SLUG
			)
		);
	}

	/**
	 * Downloads a package to a temporary file, keeping the signature the response carried
	 * (the Worker's X-Content-Signature header), which download_url() would not return.
	 *
	 * @param string $url     Where to download it from.
	 * @param string $package The package's URL in the feed (which release it is).
	 * @return array{file: string, signature: string}|\WP_Error
	 */
	private function download_package( $url, $package ) {
		$file = wp_tempnam( basename( (string) wp_parse_url( $url, PHP_URL_PATH ) ) );
		if ( ! $file ) {
			return new \WP_Error( Config::PREFIX . '_download', 'Could not create a temporary file for the package.' );
		}
		$response = wp_safe_remote_get(
			$url,
			array(
				'timeout'  => 300,
				'stream'   => true,
				'filename' => $file,
			)
		);
		$code = is_wp_error( $response ) ? 0 : (int) wp_remote_retrieve_response_code( $response );
		if ( 200 !== $code ) {
			// An error answer is streamed into the file too: a short JSON body.
			$body = 409 === $code ? (string) file_get_contents( $file, false, null, 0, 65536 ) : '';
			wp_delete_file( $file );
			if ( self::is_rollout_halted( $code, $body ) ) {
				return $this->refuse_halted( $this->package_version( $package ) );
			}
			return new \WP_Error(
				Config::PREFIX . '_download',
				sprintf( 'Could not download the package from %s: %s', $url, is_wp_error( $response ) ? $response->get_error_message() : 'HTTP ' . $code )
			);
		}
		$signature = wp_remote_retrieve_header( $response, 'x-content-signature' );
		return array(
			'file'      => $file,
			'signature' => is_string( $signature ) ? $signature : '',
		);
	}

	/**
	 * The package of the verified feed a download is (the offer index lists every published
	 * one): the version its URL asks for (the Worker's .../download/?version=1.2.0), else the
	 * one whose file name its URL ends in, else the one whose SHA-256 its bytes have.
	 *
	 * @param string $package Its URL.
	 * @param string $digest  SHA-256 hex of its bytes.
	 * @return array|null A kept package entry.
	 */
	private function release_for_package( $package, $digest ) {
		$releases = $this->store->offers( 'packages' );
		$query    = array();
		parse_str( (string) wp_parse_url( $package, PHP_URL_QUERY ), $query );
		$file = rawurldecode( basename( (string) wp_parse_url( $package, PHP_URL_PATH ) ) );
		$ways = array(
			function ( $release ) use ( $query ) {
				return isset( $query['version'] ) && is_string( $query['version'] ) && 0 === Versions::compare( $release['version'], $query['version'] );
			},
			function ( $release ) use ( $file ) {
				return '' !== $release['file'] && $release['file'] === $file;
			},
			function ( $release ) use ( $digest ) {
				return '' !== $release['sha256'] && hash_equals( $release['sha256'], $digest );
			},
		);
		foreach ( $ways as $matches ) {
			foreach ( $releases as $release ) {
				if ( is_array( $release ) && isset( $release['version'], $release['file'], $release['sha256'] ) && $matches( $release ) ) {
					return $release;
				}
			}
		}
		return null;
	}

	/**
	 * Is this package signed by a trusted key? For a release of the verified feed, only the
	 * signatures the feed lists for it count (and its bytes must have the SHA-256 the feed
	 * gives), whichever URL it came from; a package the feed does not list needs the
	 * signature its response carried, or a .sig next to it.
	 *
	 * @param string $file      The downloaded package.
	 * @param string $package   Its URL.
	 * @param string $carried   The X-Content-Signature its response carried, if any.
	 * @return true|\WP_Error
	 */
	private function check_package( $file, $package, $carried = '' ) {
		$digest  = (string) hash_file( 'sha256', $file );
		$release = $this->release_for_package( $package, $digest );
		if ( null !== $release && ! empty( $release['signatures'] ) ) {
			$signature = implode( "\n", $release['signatures'] );
		} elseif ( '' !== trim( $carried ) ) {
			$signature = $carried;
		} else {
			$signature_url = preg_replace( '/[?#].*$/', '', $package ) . '.sig';
			$signature     = $this->feed->http_get( $signature_url );
			if ( is_wp_error( $signature ) || '' === trim( $signature ) ) {
				return new \WP_Error(
					Config::PREFIX . '_signature_missing',
					sprintf( 'Update refused: the signed feed lists no signature for this package, its download carried none, and %s could not be read. Nothing was installed.', $signature_url )
				);
			}
		}
		if ( ! $this->feed->verify_signature( hash_file( 'sha384', $file, true ), $signature ) ) {
			return new \WP_Error(
				Config::PREFIX . '_signature_invalid',
				'Update refused: the package is not signed by a key this plugin trusts (altered or signed by someone else). Nothing was installed.'
			);
		}
		if ( null !== $release && '' !== $release['sha256'] && ! hash_equals( $release['sha256'], $digest ) ) {
			return new \WP_Error(
				Config::PREFIX . '_checksum',
				sprintf( 'Update refused: the package is not the %s release the signed feed describes. Nothing was installed.', $release['version'] )
			);
		}
		return true;
	}

	/**
	 * upgrader_source_selection: install into the folder the plugin already lives in, and
	 * only a package that holds this plugin.
	 *
	 * @param string|\WP_Error $source        Unpacked folder.
	 * @param string          $remote_source The folder it was unpacked into.
	 * @param \WP_Upgrader     $upgrader      The upgrader.
	 * @param array           $hook_extra    What it is doing.
	 * @return string|\WP_Error
	 */
	public function filter_source_selection( $source, $remote_source, $upgrader = null, $hook_extra = array() ) {
		global $wp_filesystem;
		if ( is_wp_error( $source ) || ! is_array( $hook_extra ) || ! isset( $hook_extra['plugin'] ) || $hook_extra['plugin'] !== $this->plugin->basename() || ! is_object( $wp_filesystem ) ) {
			return $source;
		}
		if ( ! $wp_filesystem->exists( trailingslashit( $source ) . Config::MAIN_FILE ) ) {
			return new \WP_Error( Config::PREFIX . '_package_content', sprintf( 'Update refused: the package does not contain %s.', Config::MAIN_FILE ) );
		}
		$folder = dirname( $this->plugin->basename() );
		if ( '.' === $folder || basename( untrailingslashit( $source ) ) === $folder ) {
			return $source;
		}
		$target = trailingslashit( $remote_source ) . $folder;
		if ( $wp_filesystem->exists( $target ) ) {
			$wp_filesystem->delete( $target, true );
		}
		if ( ! $wp_filesystem->move( untrailingslashit( $source ), $target ) ) {
			return new \WP_Error( Config::PREFIX . '_rename', sprintf( 'Could not keep the plugin folder name %s.', $folder ) );
		}
		return trailingslashit( $target );
	}
}
