import { buildFixtureFeed } from "./fixture-feed.ts";

export default async function setup(): Promise<void> {
  await buildFixtureFeed();
}
