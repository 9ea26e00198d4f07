/**
 * What a site administrator does in wp-admin, as PHP run inside the test WordPress
 * (WordPressSite.php): install a package and activate it, and "Update now". WordPress's own
 * Plugin_Upgrader does the work; each returns what the admin would then see.
 */

/** What the Plugins screen's "update now" does: Plugin_Upgrader::bulk_upgrade, AJAX skin. */
export function upgrade(plugin: string): string {
  return `
	$skin     = new WP_Ajax_Upgrader_Skin();
	$upgrader = new Plugin_Upgrader( $skin );
	$results  = $upgrader->bulk_upgrade( array( '${plugin}' ) );
	$result   = isset( $results['${plugin}'] ) ? $results['${plugin}'] : null;
	wp_cache_delete( 'plugins', 'plugins' );
	$plugins = get_plugins();
	return array(
		'ok'      => is_array( $result ),
		'codes'   => array_values( array_unique( array_merge(
			is_wp_error( $result ) ? $result->get_error_codes() : array(),
			$skin->get_errors()->get_error_codes()
		) ) ),
		'errors'  => $skin->get_error_messages(),
		'version' => isset( $plugins['${plugin}'] ) ? $plugins['${plugin}']['Version'] : null,
		'active'  => is_plugin_active( '${plugin}' ),
	);
`;
}

export interface UpgradeResult {
  ok: boolean;
  codes: string[];
  errors: string;
  version: string | null;
  active: boolean;
}

/** Install a package file with Plugin_Upgrader::install, then activate it. */
export function installAndActivate(zip: string, plugin: string, before = ""): string {
  return `
	${before}
	$skin     = new WP_Ajax_Upgrader_Skin();
	$upgrader = new Plugin_Upgrader( $skin );
	$installed = $upgrader->install( ${JSON.stringify(zip)} );
	wp_cache_delete( 'plugins', 'plugins' );
	$activated = activate_plugin( '${plugin}' );
	$plugins   = get_plugins();
	return array(
		'installed' => true === $installed,
		'errors'    => $skin->get_error_messages(),
		'activated' => null === $activated,
		'version'   => isset( $plugins['${plugin}'] ) ? $plugins['${plugin}']['Version'] : null,
	);
`;
}
