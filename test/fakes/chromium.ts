import { type Browser, chromium } from 'playwright-core';

/** Debian's chromium (apt-get install -y chromium); playwright's own browser download does not work here. */
export const CHROMIUM_PATH = '/usr/bin/chromium';

/** Headless chromium that makes no network requests of its own (no updates, sync or QUIC probes). */
export function launchChromium(): Promise<Browser> {
  return chromium.launch({
    executablePath: CHROMIUM_PATH,
    args: [
      '--headless',
      '--no-sandbox',
      '--disable-gpu',
      '--disable-quic',
      '--no-first-run',
      '--disable-background-networking',
      '--disable-component-update',
      '--disable-sync',
    ],
  });
}
