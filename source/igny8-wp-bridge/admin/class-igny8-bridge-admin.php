<?php
/**
 * Settings > IGNY8 Bridge admin page.
 * @package Igny8_Bridge
 */

if ( ! defined( 'ABSPATH' ) ) { exit; }

/**
 * Registers and renders the plugin's options page.
 */
class Igny8_Bridge_Admin {

	const PAGE_SLUG = 'igny8-bridge';

	/**
	 * @var Igny8_Bridge_Settings
	 */
	private $settings;

	/**
	 * @var Igny8_Bridge_Sync
	 */
	private $sync;

	/**
	 * @param Igny8_Bridge_Settings $settings Connection settings.
	 * @param Igny8_Bridge_Sync     $sync     Content sync service.
	 */
	public function __construct( Igny8_Bridge_Settings $settings, Igny8_Bridge_Sync $sync ) {
		$this->settings = $settings;
		$this->sync     = $sync;
	}

	/**
	 * @return void
	 */
	public function register() {
		add_action( 'admin_menu', array( $this, 'add_page' ) );
		add_action( 'admin_init', array( $this, 'register_settings' ) );
		add_action( 'admin_enqueue_scripts', array( $this, 'enqueue_assets' ) );
		add_action( 'admin_post_igny8_bridge_sync_now', array( $this, 'handle_sync_now' ) );
	}

	/**
	 * @return void
	 */
	public function add_page() {
		add_options_page(
			__( 'IGNY8 Bridge', 'igny8-bridge' ),
			__( 'IGNY8 Bridge', 'igny8-bridge' ),
			'manage_options',
			self::PAGE_SLUG,
			array( $this, 'render_page' )
		);
	}

	/**
	 * @return void
	 */
	public function register_settings() {
		$this->settings->register();

		add_settings_section( 'igny8_bridge_connection', __( 'Connection', 'igny8-bridge' ), '__return_false', self::PAGE_SLUG );
		add_settings_field(
			Igny8_Bridge_Settings::SITE_ID_OPTION,
			__( 'Site ID', 'igny8-bridge' ),
			array( $this, 'render_site_id_field' ),
			self::PAGE_SLUG,
			'igny8_bridge_connection',
			array( 'label_for' => Igny8_Bridge_Settings::SITE_ID_OPTION )
		);
		add_settings_field(
			Igny8_Bridge_Settings::API_KEY_OPTION,
			__( 'API key', 'igny8-bridge' ),
			array( $this, 'render_api_key_field' ),
			self::PAGE_SLUG,
			'igny8_bridge_connection',
			array( 'label_for' => Igny8_Bridge_Settings::API_KEY_OPTION )
		);
	}

	/**
	 * @param string $hook_suffix Current admin page.
	 * @return void
	 */
	public function enqueue_assets( $hook_suffix ) {
		if ( 'settings_page_' . self::PAGE_SLUG !== $hook_suffix ) {
			return;
		}
		wp_enqueue_style( 'igny8-bridge-admin', plugins_url( 'admin/css/admin.css', IGNY8_BRIDGE_FILE ), array(), IGNY8_BRIDGE_VERSION );
	}

	/**
	 * @return void
	 */
	public function render_site_id_field() {
		printf(
			'<input type="text" id="%1$s" name="%1$s" value="%2$s" class="regular-text" autocomplete="off" />',
			esc_attr( Igny8_Bridge_Settings::SITE_ID_OPTION ),
			esc_attr( $this->settings->get_site_id() )
		);
	}

	/**
	 * Renders the API key field. The stored key is never printed; only a mask.
	 *
	 * @return void
	 */
	public function render_api_key_field() {
		$key = $this->settings->get_api_key();
		printf(
			'<input type="password" id="%1$s" name="%1$s" value="" class="regular-text" autocomplete="new-password" placeholder="%2$s" />',
			esc_attr( Igny8_Bridge_Settings::API_KEY_OPTION ),
			esc_attr( Igny8_Bridge_Settings::mask_key( $key ) )
		);
		if ( '' !== $key ) {
			printf(
				'<p class="description">%1$s <code class="igny8-bridge-key-mask">%2$s</code>. %3$s</p>',
				esc_html__( 'Current key:', 'igny8-bridge' ),
				esc_html( Igny8_Bridge_Settings::mask_key( $key ) ),
				esc_html__( 'Leave blank to keep it.', 'igny8-bridge' )
			);
		}
	}

	/**
	 * Handles the "Sync now" button.
	 *
	 * @return void
	 */
	public function handle_sync_now() {
		if ( ! current_user_can( 'manage_options' ) ) {
			wp_die( esc_html__( 'You do not have permission to do this.', 'igny8-bridge' ), 403 );
		}
		check_admin_referer( 'igny8_bridge_sync_now' );

		$count = $this->sync->sync_recent();
		$this->sync->sync_taxonomies();

		wp_safe_redirect(
			add_query_arg(
				array(
					'page'         => self::PAGE_SLUG,
					'igny8_synced' => $count,
				),
				admin_url( 'options-general.php' )
			)
		);
		exit;
	}

	/**
	 * @return void
	 */
	public function render_page() {
		if ( ! current_user_can( 'manage_options' ) ) {
			return;
		}

		// phpcs:ignore WordPress.Security.NonceVerification.Recommended -- display-only notice after redirect.
		if ( isset( $_GET['igny8_synced'] ) ) {
			$count = absint( wp_unslash( $_GET['igny8_synced'] ) ); // phpcs:ignore WordPress.Security.NonceVerification.Recommended
			/* translators: %d: number of synced items. */
			$message = sprintf( _n( '%d item synced to IGNY8.', '%d items synced to IGNY8.', $count, 'igny8-bridge' ), $count );
			printf( '<div class="notice notice-success is-dismissible"><p>%s</p></div>', esc_html( $message ) );
		}
		?>
		<div class="wrap igny8-bridge">
			<h1><?php echo esc_html( get_admin_page_title() ); ?></h1>
			<p class="igny8-bridge-intro"><?php esc_html_e( 'Enter the site ID and API key from your IGNY8 dashboard.', 'igny8-bridge' ); ?></p>
			<form action="options.php" method="post">
				<?php
				settings_fields( Igny8_Bridge_Settings::GROUP );
				do_settings_sections( self::PAGE_SLUG );
				submit_button();
				?>
			</form>
			<?php
			$last_sync = (string) get_option( Igny8_Bridge_Sync::LAST_SYNC_OPTION, '' );
			$last_text = '' === $last_sync
				? __( 'Never', 'igny8-bridge' )
				: get_date_from_gmt( $last_sync, get_option( 'date_format' ) . ' ' . get_option( 'time_format' ) );
			$disabled  = $this->settings->has_credentials() ? array() : array( 'disabled' => 'disabled' );
			?>
			<form action="<?php echo esc_url( admin_url( 'admin-post.php' ) ); ?>" method="post" class="igny8-bridge-sync">
				<h2><?php esc_html_e( 'Content sync', 'igny8-bridge' ); ?></h2>
				<p class="igny8-bridge-last-sync">
					<?php
					/* translators: %s: date and time of the last sync. */
					printf( esc_html__( 'Last sync: %s', 'igny8-bridge' ), esc_html( $last_text ) );
					?>
				</p>
				<input type="hidden" name="action" value="igny8_bridge_sync_now" />
				<?php wp_nonce_field( 'igny8_bridge_sync_now' ); ?>
				<?php submit_button( __( 'Sync now', 'igny8-bridge' ), 'secondary', 'igny8_bridge_sync_now', false, $disabled ); ?>
			</form>
		</div>
		<?php
	}
}
