<?php
/**
 * Unit tests for Igny8_Bridge_Api_Client.
 * @package Igny8_Bridge
 */

use PHPUnit\Framework\TestCase;

/**
 * @covers Igny8_Bridge_Api_Client
 */
class Test_Igny8_Bridge_Api_Client extends TestCase {

	protected function setUp(): void {
		$GLOBALS['igny8_test_options'] = array(
			'igny8_bridge_site_id' => 'demo-site',
			'igny8_bridge_api_key' => 'sk_test_abcdef123456',
		);
	}

	public function test_build_url_joins_base_and_endpoint() {
		$client = new Igny8_Bridge_Api_Client( new Igny8_Bridge_Settings() );
		$this->assertSame( 'https://api.igny8.com/api/sites/', $client->build_url( '/sites/' ) );
	}

	public function test_site_endpoint_uses_site_id() {
		$client = new Igny8_Bridge_Api_Client( new Igny8_Bridge_Settings() );
		$this->assertSame( 'sites/demo-site/content/', $client->site_endpoint( 'content/' ) );
	}

	public function test_mask_key_keeps_last_four_characters() {
		$this->assertSame( '************3456', Igny8_Bridge_Settings::mask_key( 'sk_test_abcdef123456' ) );
	}
}
