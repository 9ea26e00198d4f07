<?php
/**
 * feedwright updater: its place in WordPress (the hooks, the update transient, the details dialog).
 *
 * @package feedwright
 */

namespace Feedwright_Updater_Source;

if ( ! defined( 'ABSPATH' ) ) {
	exit;
}

/**
 * The updater of one plugin: wires the other classes to WordPress's hooks, puts the offer in
 * the Plugins screen and the auto-updates (the update transient, and the Update URI route),
 * and fills "View version details".
 */
final class Updater {

	/**
	 * The one updater of this request.
	 *
	 * @var self|null
	 */
	private static $instance = null;

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
	 * Installs verified packages only.
	 *
	 * @var Installer
	 */
	private $installer;

	/**
	 * Registers the site and reports its health.
	 *
	 * @var Reporter
	 */
	private $reporter;

	/**
	 * What administrators see.
	 *
	 * @var Settings_Page
	 */
	private $settings_page;

	/**
	 * Hostname whose update_plugins_{$hostname} filter this answers.
	 *
	 * @var string
	 */
	private $update_uri_host = '';

	/**
	 * Starts the updater once per request.
	 *
	 * @param string $main_file Absolute path of the plugin's main file.
	 * @return self
	 */
	public static function boot( $main_file ) {
		if ( null === self::$instance ) {
			self::$instance = new self( $main_file );
			self::$instance->add_hooks();
		}
		return self::$instance;
	}

	/**
	 * The updater boot() started, if any.
	 *
	 * @return self|null
	 */
	public static function instance() {
		return self::$instance;
	}

	/**
	 * Makes the parts.
	 *
	 * @param string $main_file Absolute path of the plugin's main file.
	 */
	private function __construct( $main_file ) {
		$this->plugin        = new Plugin( $main_file );
		$this->settings      = new Settings();
		$this->store         = new State_Store();
		$this->feed          = new Feed( $this->settings, $this->store );
		$this->holds         = new Holds( $this->settings, $this->store, $this->feed );
		$this->installer     = new Installer( $this->plugin, $this->settings, $this->store, $this->feed, $this->holds );
		$this->reporter      = new Reporter( $this->plugin, $this->settings, $this->store );
		$this->settings_page = new Settings_Page( $this, $this->plugin, $this->settings, $this->store );
	}

	/**
	 * Every hook the updater answers.
	 *
	 * @return void
	 */
	private function add_hooks() {
		add_filter( 'pre_set_site_transient_update_plugins', array( $this, 'filter_update_transient' ) );
		add_filter( 'plugins_api', array( $this, 'filter_plugins_api' ), 10, 3 );
		// Late, so a package another filter already fetched is checked too.
		add_filter( 'upgrader_pre_download', array( $this->installer, 'filter_pre_download' ), 999, 4 );
		add_filter( 'upgrader_source_selection', array( $this->installer, 'filter_source_selection' ), 10, 4 );
		add_action( Config::PREFIX . '_daily', array( $this->reporter, 'report_health' ) );
		add_action( 'init', array( $this->reporter, 'ensure_schedule' ) );
		add_action( 'init', array( $this->reporter, 'report_new_version' ), 20 );
		add_action( 'upgrader_process_complete', array( $this->reporter, 'report_update' ), 10, 2 );
		add_action( 'update_option_' . Settings::api_key_option(), array( $this->reporter, 'register_with_new_key' ), 10, 0 );
		add_action( 'add_option_' . Settings::api_key_option(), array( $this->reporter, 'register_with_new_key' ), 10, 0 );
		// Before core's own wp_update_plugins() on that screen (priority 10).
		add_action( 'load-update-core.php', array( $this, 'check_again' ), 9 );
		add_action( 'admin_menu', array( $this->settings_page, 'add_settings_page' ) );
		add_action( 'after_plugin_row_' . $this->plugin->basename(), array( $this->settings_page, 'show_check_problem' ), 10, 0 );
		add_action( 'after_plugin_row_' . $this->plugin->basename(), array( $this->settings_page, 'show_withdrawn_notice' ), 10, 0 );
		add_action( 'admin_init', array( $this->settings_page, 'register_settings' ) );
		add_action( 'update_option_' . Config::PREFIX . '_channel', array( $this, 'forget_offer' ) );
		add_action( 'add_option_' . Config::PREFIX . '_channel', array( $this, 'forget_offer' ) );
		register_activation_hook( $this->plugin->main_file(), array( $this->reporter, 'activate' ) );
		register_deactivation_hook( $this->plugin->main_file(), array( $this->reporter, 'deactivate' ) );
		$this->add_update_uri_filter();
	}

	/**
	 * The verified feed.
	 *
	 * @return Feed
	 */
	public function feed() {
		return $this->feed;
	}

	/**
	 * What installs packages.
	 *
	 * @return Installer
	 */
	public function installer() {
		return $this->installer;
	}

	/**
	 * What registers the site and reports its health.
	 *
	 * @return Reporter
	 */
	public function reporter() {
		return $this->reporter;
	}

	/**
	 * The releases the vendor holds back.
	 *
	 * @return Holds
	 */
	public function holds() {
		return $this->holds;
	}

	/**
	 * The release this site is offered (see Offer::choose()): of the signed feed's offer index,
	 * without the releases held back.
	 *
	 * @param bool $with_holds False: as if nothing were held back.
	 * @return array|null A kept candidate of the offer index.
	 */
	public function offer( $with_holds = true ) {
		return Offer::choose(
			$this->store->candidates( $this->settings->channel() ),
			$this->plugin->installed_version(),
			$this->plugin->php_version(),
			$this->plugin->wp_version(),
			array( $this->settings, 'site_id' ),
			$with_holds ? $this->holds->held() : array()
		);
	}

	/**
	 * After the feed was read: when it was accepted and offers this site a release, asks which
	 * releases are held back now (Holds::refresh()); when it offers nothing, nothing is held and
	 * nothing is asked, so an up-to-date site's check stays the feed's two requests.
	 *
	 * @param true|\WP_Error|null $checked What the feed check answered (null: not read).
	 * @return void
	 */
	public function after_check( $checked ) {
		if ( true !== $checked ) {
			return;
		}
		if ( null === $this->offer( false ) ) {
			$this->holds->forget();
			return;
		}
		$this->holds->refresh();
	}

	/**
	 * The newest release for this site, rollout aside: a candidate of its channel runnable on
	 * its PHP and WordPress. What the settings page places the site against for the rollout.
	 *
	 * @return array|null A kept candidate.
	 */
	public function channel_latest() {
		foreach ( $this->store->candidates( $this->settings->channel() ) as $release ) {
			if ( Versions::meets( $this->plugin->php_version(), $release['requires_php'] ) && Versions::meets( $this->plugin->wp_version(), $release['requires_wp'] ) ) {
				return $release;
			}
		}
		return null;
	}

	/**
	 * Dashboard > Updates > "Check again" (update-core.php?force-check=1): the feed is read now,
	 * past the back-off a failed check set, and WordPress's update list takes the answer, even
	 * when core itself checked less than a minute ago and does not check again.
	 *
	 * @return void
	 */
	public function check_again() {
		// phpcs has no nonce rule here, and core's own link carries none: reading a signed feed is harmless.
		if ( empty( $_GET['force-check'] ) || ! current_user_can( 'update_plugins' ) || $this->feed->checked_this_request() ) {
			return;
		}
		$this->after_check( $this->feed->refresh() );
		$transient = get_site_transient( 'update_plugins' );
		if ( is_object( $transient ) ) {
			// Runs filter_update_transient(), which puts this plugin's fresh answer in.
			set_site_transient( 'update_plugins', $transient );
		}
	}

	/**
	 * A release's package, where the feed has it.
	 *
	 * @param array $release A kept release entry.
	 * @return string The package's URL in the feed.
	 */
	public function package_url( array $release ) {
		return $this->settings->feed_url() . '/' . Config::PLUGIN_FOLDER . '/' . rawurlencode( $release['file'] );
	}

	/**
	 * The installed version as a candidate of the offer index, when it is one (the newest
	 * release of a channel always is): its requirements and tested version, for "up to date".
	 *
	 * @return array|null
	 */
	public function installed_release() {
		$installed = $this->plugin->installed_version();
		foreach ( array( 'stable', 'beta' ) as $channel ) {
			foreach ( $this->store->candidates( $channel ) as $release ) {
				if ( 0 === Versions::compare( $release['version'], $installed ) ) {
					return $release;
				}
			}
		}
		return null;
	}

	/**
	 * Did the vendor withdraw the installed version (deprecated)?
	 *
	 * @return bool
	 */
	public function installed_withdrawn() {
		return Offer::withdrawn( $this->store->offers( 'deprecated' ), $this->plugin->installed_version() );
	}

	/**
	 * The entry WordPress keeps in the update_plugins transient (response or no_update).
	 *
	 * @param array|null $release The offer, or null for "up to date".
	 * @return array
	 */
	public function update_item( $release ) {
		$headers = $this->plugin->headers();
		$shown   = null !== $release ? $release : $this->installed_release();
		$item    = array(
			'id'            => '' !== $headers['UpdateURI'] ? $headers['UpdateURI'] : $this->settings->feed_url() . '/' . Config::PLUGIN_FOLDER . '/',
			'slug'          => Config::SLUG,
			'plugin'        => $this->plugin->basename(),
			'version'       => null !== $release ? $release['version'] : $this->plugin->installed_version(),
			'new_version'   => null !== $release ? $release['version'] : $this->plugin->installed_version(),
			'url'           => '' !== $headers['PluginURI'] ? $headers['PluginURI'] : $this->settings->feed_url() . '/' . Config::PLUGIN_FOLDER . '/',
			'package'       => null !== $release ? $this->package_url( $release ) : '',
			'icons'         => $this->store->offers( 'icons' ),
			'banners'       => $this->store->offers( 'banners' ),
			'banners_rtl'   => array(),
			'tested'        => null !== $shown ? Versions::tested_up_to( $shown['tested_wp'], $this->plugin->wp_versions_in_view() ) : '',
			'requires_php'  => null !== $shown ? $shown['requires_php'] : '',
			'requires'      => null !== $shown ? $shown['requires_wp'] : '',
			'compatibility' => new \stdClass(),
		);
		if ( null !== $release && ! empty( $release['autoupdate'] ) ) {
			$item['autoupdate'] = true;
		}
		if ( null !== $release && '' !== $release['upgrade_notice'] ) {
			$item['upgrade_notice'] = $release['upgrade_notice'];
		}
		return $item;
	}

	/**
	 * pre_set_site_transient_update_plugins: put this plugin's answer into what WordPress
	 * saves; a no_update entry when current, so the auto-update toggle shows.
	 *
	 * @param mixed $transient The update_plugins value.
	 * @return mixed
	 */
	public function filter_update_transient( $transient ) {
		if ( ! is_object( $transient ) ) {
			return $transient;
		}
		$this->add_update_uri_filter();
		$this->after_check( $this->feed->maybe_refresh( $transient ) );
		$basename = $this->plugin->basename();
		$offer    = $this->offer();
		if ( ! isset( $transient->response ) || ! is_array( $transient->response ) ) {
			$transient->response = array();
		}
		if ( ! isset( $transient->no_update ) || ! is_array( $transient->no_update ) ) {
			$transient->no_update = array();
		}
		unset( $transient->response[ $basename ], $transient->no_update[ $basename ] );
		if ( null !== $offer ) {
			$transient->response[ $basename ] = (object) $this->update_item( $offer );
		} elseif ( (int) $this->store->get()['checked_at'] > 0 ) {
			// Current as of the last good check (a failed one since is shown under the plugin's
			// row, see Settings_Page::show_check_problem()).
			$transient->no_update[ $basename ] = (object) $this->update_item( null );
		}
		// Never checked successfully: neither, WordPress is not told the plugin is current.
		return $transient;
	}

	/**
	 * Answers update_plugins_{$hostname} when the plugin header has an Update URI.
	 *
	 * @return void
	 */
	private function add_update_uri_filter() {
		if ( '' !== $this->update_uri_host ) {
			return;
		}
		$headers = $this->plugin->headers();
		$host    = '' !== $headers['UpdateURI'] ? wp_parse_url( $headers['UpdateURI'], PHP_URL_HOST ) : '';
		if ( is_string( $host ) && '' !== $host ) {
			$this->update_uri_host = $host;
			add_filter( 'update_plugins_' . $host, array( $this, 'filter_update_uri' ), 10, 3 );
		}
	}

	/**
	 * Answers update_plugins_{$hostname} for this plugin's file.
	 *
	 * @param array|false $update      Another answer, if any.
	 * @param array       $plugin_data Plugin headers.
	 * @param string      $plugin_file The plugin being asked about.
	 * @return array|false
	 */
	public function filter_update_uri( $update, $plugin_data, $plugin_file ) {
		// Core files this answer under "response" or "no_update" with version_compare(), which
		// misorders prereleases; filter_update_transient() then puts it where SemVer says.
		if ( $plugin_file !== $this->plugin->basename() ) {
			return $update;
		}
		$this->after_check( $this->feed->maybe_refresh( (object) array( 'last_checked' => time() ) ) );
		return $this->update_item( $this->offer() );
	}

	/**
	 * Called when the channel changes: the next check offers from the other channel.
	 *
	 * @return void
	 */
	public function forget_offer() {
		delete_site_transient( 'update_plugins' );
	}

	/* ------------------------------------------------------------------ details dialog */

	/**
	 * plugins_api: "View version details" for this plugin.
	 *
	 * @param false|object|array $result Another answer, if any.
	 * @param string             $action The API action.
	 * @param object             $args   Its arguments.
	 * @return false|object|array
	 */
	public function filter_plugins_api( $result, $action, $args ) {
		if ( 'plugin_information' !== $action || ! is_object( $args ) || ! isset( $args->slug ) || Config::SLUG !== $args->slug ) {
			return $result;
		}
		// Read now, not on every check: the dialog is the only place that shows it.
		$details = $this->feed->details();
		$info    = $details['info'];
		$headers = $this->plugin->headers();
		$offer   = $this->offer();
		$release = null !== $offer ? $offer : $this->installed_release();
		if ( null === $release ) {
			$candidates = $this->store->candidates( $this->settings->channel() );
			$release    = empty( $candidates ) ? null : $candidates[0];
		}
		$sections = isset( $info['sections'] ) ? $info['sections'] : array();
		if ( '' !== $details['error'] ) {
			$sections['description'] = '<p><strong>Details not shown.</strong> ' . esc_html( $details['error'] ) . '</p>';
		}
		$changelog = $this->changelog_for_site( $offer, $info );
		if ( '' !== $changelog ) {
			$sections['changelog'] = $changelog;
		} elseif ( empty( $sections['changelog'] ) && null !== $release ) {
			$sections['changelog'] = '<h4>' . esc_html( $release['version'] ) . '</h4>' . wpautop( esc_html( $release['changelog'] ) );
		}
		if ( null !== $release && '' !== $release['upgrade_notice'] ) {
			$sections['upgrade_notice'] = '<p>' . esc_html( $release['upgrade_notice'] ) . '</p>';
		}
		$author   = isset( $info['author'] ) ? $info['author'] : '';
		$homepage = isset( $info['homepage'] ) ? $info['homepage'] : $headers['PluginURI'];
		return (object) array(
			'name'          => isset( $info['name'] ) ? $info['name'] : $headers['Name'],
			'slug'          => Config::SLUG,
			'version'       => null !== $release ? $release['version'] : $this->plugin->installed_version(),
			'author'        => '' !== $author && isset( $info['author_homepage'] ) ? sprintf( '<a href="%s">%s</a>', esc_url( $info['author_homepage'] ), esc_html( $author ) ) : esc_html( $author ),
			'homepage'      => $homepage,
			'requires'      => null !== $release ? $release['requires_wp'] : '',
			'requires_php'  => null !== $release ? $release['requires_php'] : '',
			'tested'        => null !== $release ? Versions::tested_up_to( $release['tested_wp'], $this->plugin->wp_versions_in_view() ) : '',
			'last_updated'  => null !== $release ? $release['released_at'] : '',
			'download_link' => null !== $offer ? $this->package_url( $offer ) : '',
			'sections'      => $sections,
			'banners'       => isset( $info['banners'] ) ? $info['banners'] : $this->store->offers( 'banners' ),
			'icons'         => isset( $info['icons'] ) ? $info['icons'] : $this->store->offers( 'icons' ),
			'external'      => true,
		);
	}

	/**
	 * The changelog entries of the releases this update brings: those of the site's channel
	 * above the installed version, up to the one offered, newest first (no withdrawn release;
	 * the channel's info document lists no release above its latest and none of another
	 * channel). With nothing offered, the installed version's entry. Each entry is the verified
	 * info document's HTML; without it, the offered release's changelog from the offer index
	 * (its beginning), escaped. '' when no release qualifies.
	 *
	 * @param array|null $offer The offered release, if any.
	 * @param array      $info  The verified info document's kept fields.
	 * @return string HTML.
	 */
	private function changelog_for_site( $offer, array $info ) {
		$installed  = $this->plugin->installed_version();
		$deprecated = $this->store->offers( 'deprecated' );
		$entries    = isset( $info['changelog_entries'] ) && is_array( $info['changelog_entries'] ) ? $info['changelog_entries'] : array();
		$html       = '';
		foreach ( $entries as $version => $entry ) {
			$version = (string) $version;
			if ( null === $offer ) {
				$wanted = 0 === Versions::compare( $version, $installed );
			} else {
				$wanted = ! Offer::withdrawn( $deprecated, $version )
					&& 1 === Versions::compare( $version, $installed )
					&& Versions::compare( $version, $offer['version'] ) <= 0;
			}
			if ( $wanted && is_string( $entry ) ) {
				$html .= $entry;
			}
		}
		if ( '' === $html && empty( $entries ) && null !== $offer ) {
			$html = '<h4>' . esc_html( $offer['version'] ) . '</h4>' . wpautop( esc_html( $offer['changelog'] ) );
		}
		return $html;
	}
}
