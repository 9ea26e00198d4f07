#!/usr/bin/env node
// Runs the TypeScript sources directly: Node 22.18+ strips types natively (Node is pinned in
// package.json), so there is no compile step between an edit and a build.
import { main } from "../cli.ts";

process.exitCode = await main(process.argv.slice(2));
