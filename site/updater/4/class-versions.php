<?php
/**
 * feedwright updater: the order of versions (SemVer 2.0.0, as the Worker reads them).
 *
 * @package feedwright
 */

namespace Feedwright_Updater_Source;

if ( ! defined( 'ABSPATH' ) ) {
	exit;
}

/**
 * Versions as the Worker reads and orders them. PHP's version_compare() differs
 * ("1.3.0-pre.1" is above "1.3.0" there), so it is never used for releases.
 */
final class Versions {

	/**
	 * A version as SemVer 2.0.0 sees it, accepting what the Worker accepts besides: a
	 * leading "v" and missing minor or patch parts ("6.7" is 6.7.0). Build metadata is
	 * dropped: it plays no part in precedence. Surrounding white space is ignored, as the
	 * Worker's trim() does (not NUL, which PHP's trim() would drop).
	 *
	 * @param mixed $version Version text.
	 * @return array|null array( array( major, minor, patch ), prerelease identifiers ), or
	 *                    null when it is not a version.
	 */
	public static function parse( $version ) {
		$number     = '0|[1-9][0-9]{0,8}';
		$identifier = '(?:0|[1-9][0-9]*|[0-9]*[A-Za-z-][0-9A-Za-z-]*)';
		$pattern    = '/^v?(' . $number . ')(?:\.(' . $number . '))?(?:\.(' . $number . '))?(?:-(' . $identifier . '(?:\.' . $identifier . ')*))?(?:\+[0-9A-Za-z.-]+)?$/D';
		if ( ! is_string( $version ) || ! preg_match( $pattern, trim( $version, " \t\n\r\v\f" ), $parts ) ) {
			return null;
		}
		return array(
			array(
				(int) $parts[1],
				isset( $parts[2] ) && '' !== $parts[2] ? (int) $parts[2] : 0,
				isset( $parts[3] ) && '' !== $parts[3] ? (int) $parts[3] : 0,
			),
			isset( $parts[4] ) && '' !== $parts[4] ? explode( '.', $parts[4] ) : array(),
		);
	}

	/**
	 * SemVer 2.0.0 precedence, the order the Worker uses (the semver package): major, minor
	 * and patch as numbers; a prerelease below its release; prerelease identifiers one by
	 * one, numeric ones as numbers and below alphanumeric ones, alphanumeric ones as ASCII
	 * text; a longer list wins when all before are equal; build metadata ignored.
	 *
	 * @param mixed $a A version.
	 * @param mixed $b Another.
	 * @return int|null -1, 0 or 1 as $a is lower, equal or higher; null when either is not a version.
	 */
	public static function compare( $a, $b ) {
		$left  = self::parse( $a );
		$right = self::parse( $b );
		if ( null === $left || null === $right ) {
			return null;
		}
		for ( $i = 0; $i < 3; $i++ ) {
			if ( $left[0][ $i ] !== $right[0][ $i ] ) {
				return $left[0][ $i ] < $right[0][ $i ] ? -1 : 1;
			}
		}
		$pre   = $left[1];
		$other = $right[1];
		if ( array() === $pre || array() === $other ) {
			return ( array() === $pre ? 1 : 0 ) - ( array() === $other ? 1 : 0 );
		}
		$count = max( count( $pre ), count( $other ) );
		for ( $i = 0; $i < $count; $i++ ) {
			if ( ! isset( $pre[ $i ] ) ) {
				return -1;
			}
			if ( ! isset( $other[ $i ] ) ) {
				return 1;
			}
			$order = self::compare_identifiers( $pre[ $i ], $other[ $i ] );
			if ( 0 !== $order ) {
				return $order < 0 ? -1 : 1;
			}
		}
		return 0;
	}

	/**
	 * One prerelease identifier against another: numeric ones as numbers and below
	 * alphanumeric ones, alphanumeric ones as ASCII text.
	 *
	 * @param string $x An identifier.
	 * @param string $y Another.
	 * @return int Below, at or above zero as $x is lower, equal or higher.
	 */
	private static function compare_identifiers( $x, $y ) {
		$x_numeric = 1 === preg_match( '/^[0-9]+$/D', $x );
		$y_numeric = 1 === preg_match( '/^[0-9]+$/D', $y );
		if ( $x_numeric && $y_numeric ) {
			// No leading zeros (parse() refuses them): the longer number is larger.
			return strlen( $x ) !== strlen( $y ) ? strlen( $x ) - strlen( $y ) : strcmp( $x, $y );
		}
		if ( $x_numeric !== $y_numeric ) {
			return $x_numeric ? -1 : 1;
		}
		return strcmp( $x, $y );
	}

	/**
	 * "Tested up to" as WordPress should read it. plugin.yaml says major.minor ("6.1"), while
	 * core compares the whole version ("6.1.9" is above "6.1": "not tested with your version").
	 * As wordpress.org's API and the update-checker library write it, a major.minor that this
	 * site's WordPress (or a core update on offer) belongs to gets that version's patch
	 * ("6.1.9"). Any other is left as written: core already reads "6.7" as above 6.1.9 and below
	 * 6.8, and the dialog shows it as the vendor wrote it.
	 *
	 * @param string   $tested    tested_wp of the release.
	 * @param string[] $wordpress This site's WordPress version and those of the core updates on offer.
	 * @return string
	 */
	public static function tested_up_to( $tested, array $wordpress ) {
		if ( ! is_string( $tested ) || ! preg_match( '/^[0-9]+\.[0-9]+$/D', $tested ) ) {
			return (string) $tested;
		}
		$patch = null;
		foreach ( $wordpress as $version ) {
			if ( is_string( $version ) && preg_match( '/^([0-9]+\.[0-9]+)(?:\.([0-9]+))?/', $version, $parts ) && $parts[1] === $tested ) {
				$patch = max( (int) $patch, isset( $parts[2] ) ? (int) $parts[2] : 0 );
			}
		}
		return null === $patch ? $tested : $tested . '.' . $patch;
	}

	/**
	 * Does this site's PHP or WordPress meet a release's requirement? As the Worker decides:
	 * a version that cannot be read (either side) holds nothing back.
	 *
	 * @param string $have This site's version.
	 * @param string $need The release's requirement; '' for none.
	 * @return bool
	 */
	public static function meets( $have, $need ) {
		$order = '' === $need ? null : self::compare( $have, $need );
		return null === $order || $order >= 0;
	}
}
