<?php
/**
 * Content sync to IGNY8.
 * @package Igny8_Bridge
 */

if ( ! defined( 'ABSPATH' ) ) { exit; }

/**
 * Pushes published content to IGNY8, on a schedule or on demand.
 */
class Igny8_Bridge_Sync {

	const CRON_HOOK                 = 'igny8_bridge_sync_event';
	const LAST_SYNC_OPTION          = 'igny8_bridge_last_sync';
	const LAST_TAXONOMY_SYNC_OPTION = 'igny8_bridge_last_taxonomy_sync';

	/** @var Igny8_Bridge_Api_Client */
	private $client;

	/** @var Igny8_Bridge_Settings */
	private $settings;

	/** Sets up the service with its dependencies. */
	public function __construct( Igny8_Bridge_Api_Client $client, Igny8_Bridge_Settings $settings ) {
		$this->client   = $client;
		$this->settings = $settings;
	}

	/** @return void */
	public function register() {
		add_action( self::CRON_HOOK, array( $this, 'sync_recent' ) );
		add_action( self::CRON_HOOK, array( $this, 'sync_taxonomies' ) );
	}

	/**
	 * @param int $post_id Post ID.
	 * @return array|WP_Error API response.
	 */
	public function sync_post( $post_id ) {
		$post = get_post( absint( $post_id ) );
		if ( ! $post instanceof WP_Post || 'publish' !== $post->post_status ) {
			return new WP_Error( 'igny8_bridge_invalid_post', __( 'Only published posts can be synced.', 'igny8-bridge' ) );
		}
		$payload = array(
			'external_id'  => (int) $post->ID,
			'type'         => $post->post_type,
			'title'        => wp_strip_all_tags( get_the_title( $post ) ),
			'url'          => esc_url_raw( get_permalink( $post ) ),
			'content'      => $post->post_content,
			'excerpt'      => wp_strip_all_tags( get_the_excerpt( $post ) ),
			'modified_gmt' => $post->post_modified_gmt,
		);
		return $this->client->post( $this->client->site_endpoint( 'content/' ), $payload );
	}

	/**
	 * Syncs published posts and pages modified since the last checkpoint,
	 * oldest first.
	 * Also the cron callback; cron passes an empty first argument.
	 *
	 * @param int $limit Maximum number of items per run (default 20).
	 * @return int Number of items synced.
	 */
	public function sync_recent( $limit = 20 ) {
		if ( ! $this->settings->has_credentials() ) {
			return 0;
		}
		$args = array(
			'post_type'      => array( 'post', 'page' ),
			'posts_per_page' => $limit ? absint( $limit ) : 20,
			'orderby'        => 'modified',
			'order'          => 'ASC',
		);
		$last = (string) get_option( self::LAST_SYNC_OPTION, '' );
		if ( '' !== $last ) {
			$args['date_query'] = array( array( 'column' => 'post_modified_gmt', 'after' => $last ) );
		}
		$synced = 0;
		foreach ( get_posts( $args ) as $post ) {
			if ( is_wp_error( $this->sync_post( $post->ID ) ) ) {
				break; // Keep the checkpoint at the last post that made it.
			}
			update_option( self::LAST_SYNC_OPTION, $post->post_modified_gmt, false );
			++$synced;
		}
		return $synced;
	}

	/**
	 * EXPERIMENTAL: sends categories and tags to IGNY8. Off unless the
	 * igny8_bridge_experimental_taxonomy_sync filter returns true.
	 *
	 * @return int|WP_Error Number of terms sent.
	 */
	public function sync_taxonomies() {
		if ( ! apply_filters( 'igny8_bridge_experimental_taxonomy_sync', false ) || ! $this->settings->has_credentials() ) {
			return 0;
		}
		$terms = get_terms( array( 'taxonomy' => array( 'category', 'post_tag' ), 'hide_empty' => false ) );
		if ( is_wp_error( $terms ) ) {
			return $terms;
		}
		$payload = array();
		foreach ( $terms as $term ) {
			$payload[] = array(
				'external_id' => (int) $term->term_id,
				'taxonomy'    => $term->taxonomy,
				'name'        => $term->name,
				'slug'        => $term->slug,
				'parent'      => (int) $term->parent,
			);
		}
		$result = $this->client->post( $this->client->site_endpoint( 'taxonomies/' ), array( 'terms' => $payload ) );
		if ( ! is_wp_error( $result ) ) {
			update_option( self::LAST_TAXONOMY_SYNC_OPTION, gmdate( 'Y-m-d H:i:s' ), false );
		}
		return is_wp_error( $result ) ? $result : count( $payload );
	}
}
