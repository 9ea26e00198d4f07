<?php
/**
 * HTTP client for the IGNY8 API.
 * @package Igny8_Bridge
 */

if ( ! defined( 'ABSPATH' ) ) { exit; }

/**
 * Thin wrapper around the WordPress HTTP API.
 */
class Igny8_Bridge_Api_Client {

	/** @var Igny8_Bridge_Settings */
	private $settings;

	/** @param Igny8_Bridge_Settings $settings Connection settings. */
	public function __construct( Igny8_Bridge_Settings $settings ) {
		$this->settings = $settings;
	}

	/**
	 * @param string $endpoint Path relative to the API base.
	 * @return string
	 */
	public function build_url( $endpoint ) {
		return trailingslashit( IGNY8_BRIDGE_API_BASE ) . ltrim( (string) $endpoint, '/' );
	}

	/**
	 * @param string $path Path below this site's resource.
	 * @return string
	 */
	public function site_endpoint( $path ) {
		return 'sites/' . rawurlencode( $this->settings->get_site_id() ) . '/' . ltrim( (string) $path, '/' );
	}

	/**
	 * @param string $endpoint Endpoint path.
	 * @param array  $query    Query arguments.
	 * @return array|WP_Error Decoded JSON body.
	 */
	public function get( $endpoint, array $query = array() ) {
		if ( ! $this->settings->has_credentials() ) {
			return $this->missing_credentials_error();
		}
		$url = add_query_arg( array_map( 'rawurlencode', $query ), $this->build_url( $endpoint ) );
		return $this->parse_response( wp_remote_get( $url, $this->request_args() ) );
	}

	/**
	 * @param string $endpoint Endpoint path.
	 * @param array  $body     Data sent as JSON.
	 * @return array|WP_Error Decoded JSON body.
	 */
	public function post( $endpoint, array $body = array() ) {
		if ( ! $this->settings->has_credentials() ) {
			return $this->missing_credentials_error();
		}
		$args                = $this->request_args();
		$args['body']        = wp_json_encode( $body );
		$args['data_format'] = 'body';
		return $this->parse_response( wp_remote_post( $this->build_url( $endpoint ), $args ) );
	}

	/**
	 * Asks IGNY8 whether this site's connection is healthy.
	 *
	 * @return bool|WP_Error True when the API reports status "ok".
	 */
	public function health_check() {
		$result = $this->get( $this->site_endpoint( 'health/' ) );
		if ( is_wp_error( $result ) ) {
			return $result;
		}
		return isset( $result['status'] ) && 'ok' === $result['status'];
	}

	/** @return array Arguments shared by every request; timeout in seconds. */
	private function request_args() {
		return array(
			'timeout'    => max( 1, min( 60, (int) apply_filters( 'igny8_bridge_request_timeout', 15 ) ) ),
			'user-agent' => 'IGNY8-WP-Bridge/' . IGNY8_BRIDGE_VERSION . '; ' . home_url( '/' ),
			'headers'    => array(
				'Authorization'   => 'Bearer ' . $this->settings->get_api_key(),
				'X-Igny8-Site-Id' => $this->settings->get_site_id(),
				'Content-Type'    => 'application/json',
				'Accept'          => 'application/json',
			),
		);
	}

	/**
	 * @param array|WP_Error $response Raw HTTP API response.
	 * @return array|WP_Error
	 */
	private function parse_response( $response ) {
		if ( is_wp_error( $response ) ) {
			return $response;
		}
		$code = (int) wp_remote_retrieve_response_code( $response );
		$body = json_decode( wp_remote_retrieve_body( $response ), true );
		if ( $code < 200 || $code >= 300 ) {
			return new WP_Error(
				'igny8_bridge_http_error',
				/* translators: %d: HTTP status code. */
				sprintf( __( 'IGNY8 API returned HTTP %d.', 'igny8-bridge' ), $code ),
				array( 'status' => $code )
			);
		}
		return is_array( $body ) ? $body : array();
	}

	/** @return WP_Error */
	private function missing_credentials_error() {
		return new WP_Error( 'igny8_bridge_missing_credentials', __( 'IGNY8 site ID or API key is not configured.', 'igny8-bridge' ) );
	}
}
