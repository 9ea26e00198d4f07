<?php
/**
 * feedwright updater: the releases whose rollout the vendor halted, held back from this site.
 *
 * @package feedwright
 */

namespace Feedwright_Updater_Source;

if ( ! defined( 'ABSPATH' ) ) {
	exit;
}

/**
 * What the update service says is held back now: GET {api_base}/plugins/<slug>/rollout/
 * answers {slug, held: [versions]} (RolloutHoldsDocument in scripts/contract/rollout-guard.ts),
 * the releases whose rollout the vendor (or the rollout guard) halted. Asked after a good check
 * of the feed, and only when the signed feed offers this site a release: a site that is up to
 * date makes the feed's two requests and nothing more. Offer::choose() skips a held release for
 * the one before it, as the Worker does when a site asks it.
 *
 * The answer is not signed, and needs no signature: it can only hold an offer back, never add
 * one or change which package is trusted.
 */
final class Holds {

	/**
	 * The updater's settings (where the API is).
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
	 * Reads the answer.
	 *
	 * @var Feed
	 */
	private $feed;

	/**
	 * Starts with what it reads and where it keeps the list.
	 *
	 * @param Settings    $settings The updater's settings.
	 * @param State_Store $store    Where the state is kept.
	 * @param Feed        $feed     Reads the answer (Feed::http_get()).
	 */
	public function __construct( Settings $settings, State_Store $store, Feed $feed ) {
		$this->settings = $settings;
		$this->store    = $store;
		$this->feed     = $feed;
	}

	/**
	 * Where the update service lists the releases held back.
	 *
	 * @return string
	 */
	public function url() {
		return $this->settings->api_base() . '/' . Config::PLUGIN_FOLDER . '/' . Config::ROLLOUT_ACTION . '/';
	}

	/**
	 * The versions held back, as last kept.
	 *
	 * @return string[]
	 */
	public function held() {
		$held = $this->store->get()['held'];
		return is_array( $held ) ? array_values( array_filter( $held, 'is_string' ) ) : array();
	}

	/**
	 * Asks the update service which releases are held back now, and keeps the answer in place
	 * of the last one. An answer that cannot be read (no answer, an error status, not the
	 * document for this plugin) holds nothing back: the offer comes from the signed feed, and
	 * the update service that would hold a release back also refuses its download to a site
	 * not on it (HTTP 409, see Installer), so the worst a missed answer costs is a refused
	 * update; holding back on a guess would leave sites without a release no one halted.
	 *
	 * @return string[] The versions now held back.
	 */
	public function refresh() {
		$text = $this->feed->http_get( $this->url() );
		$held = is_wp_error( $text ) ? null : self::read( $text );
		return $this->keep( null === $held ? array() : $held );
	}

	/**
	 * Holds nothing back (nothing is offered, so nothing needs asking about).
	 *
	 * @return void
	 */
	public function forget() {
		if ( array() !== $this->held() ) {
			$this->keep( array() );
		}
	}

	/**
	 * Holds one more release back until the next check: the update service refused its
	 * download because its rollout is halted.
	 *
	 * @param string $version The release.
	 * @return void
	 */
	public function hold( $version ) {
		$held = $this->held();
		if ( ! in_array( $version, $held, true ) ) {
			$held[] = $version;
			$this->keep( $held );
		}
	}

	/**
	 * The held versions of an answer, or null when it is not {slug: this plugin, held:
	 * [versions]}.
	 *
	 * @param string $text The answer's body.
	 * @return string[]|null
	 */
	public static function read( $text ) {
		$answer = json_decode( (string) $text, true );
		if ( ! is_array( $answer ) || ! isset( $answer['slug'], $answer['held'] ) || Config::SLUG !== $answer['slug'] || ! is_array( $answer['held'] ) ) {
			return null;
		}
		$held = array();
		foreach ( $answer['held'] as $version ) {
			if ( ! is_string( $version ) || null === Versions::parse( $version ) ) {
				return null;
			}
			$held[] = $version;
		}
		return $held;
	}

	/**
	 * Keeps the versions that the offer index lists among its candidates (only those can be
	 * offered, and the state stays as small as the index).
	 *
	 * @param string[] $held Held versions.
	 * @return string[] What was kept.
	 */
	private function keep( array $held ) {
		$known = array();
		foreach ( array( 'stable', 'beta' ) as $channel ) {
			foreach ( $this->store->candidates( $channel ) as $release ) {
				$known[] = $release['version'];
			}
		}
		$kept          = array_values( array_unique( array_intersect( $held, $known ) ) );
		$state         = $this->store->get();
		$state['held'] = $kept;
		$this->store->save( $state );
		return $kept;
	}
}
