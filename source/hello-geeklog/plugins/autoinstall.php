<?php
// Hello Geeklog: what Geeklog's plugin installer needs to install it.

function plugin_autoinstall_hello($pi_name)
{
    return array(
        'info' => array(
            'pi_name'         => 'hello',
            'pi_display_name' => 'Hello Geeklog',
            'pi_version'      => '1.1.0',
            'pi_gl_version'   => '1.6.0',
            'pi_homepage'     => 'https://igny8.com/hello-geeklog',
        ),
        'groups'   => array('Hello Admin' => 'Administrators of Hello Geeklog'),
        'features' => array('hello.admin' => 'Change the greeting'),
        'mappings' => array('hello.admin' => array('Hello Admin')),
        'tables'   => array('hello_greetings'),
    );
}

function plugin_compatible_with_this_version_hello($pi_name)
{
    return function_exists('COM_siteHeader');
}
