/**
 * The demo plugin every test builds on, as text: plugin.yaml, its main file at a version, and
 * release YAML from fields. Nothing here touches the disk, so in-memory tests import it too.
 */

export const DEMO_PLUGIN_YAML = `name: Demo Plugin
slug: demo
platform: wordpress
description: A plugin for tests.
homepage: https://example.com
author: Example
main_file: demo.php
version_constant: DEMO_VERSION
requires_php: "7.4"
requires_wp: "6.0"
tested_wp: "6.7"
api_base: https://api.example.com/api
`;

export function demoMainFile(version: string): string {
  return `<?php
/**
 * Plugin Name: Demo Plugin
 * Version: ${version}
 */
define( 'DEMO_VERSION', '${version}' );
define( 'DEMO_API_BASE', 'https://api.example.com/api' );
`;
}

/** A field's value: a scalar, or a mapping of numbers (a rollout guard) written as a flow mapping. */
export type ReleaseFieldValue = string | number | boolean | Record<string, number>;

export function releaseYaml(fields: Record<string, ReleaseFieldValue>): string {
  const text = (key: string, value: ReleaseFieldValue) =>
    typeof value === "object"
      ? `{${Object.entries(value)
          .map(([inner, number]) => `${inner}: ${number}`)
          .join(", ")}}`
      : typeof value === "string" && key !== "changelog"
        ? JSON.stringify(value)
        : value;
  return `${Object.entries(fields)
    .map(([key, value]) => `${key}: ${text(key, value)}`)
    .join("\n")}\n`;
}
