// Headless Chromium for the browser tests: Debian's chromium (or GLS_CHROMIUM),
// driven by playwright-core.
import { existsSync } from "node:fs";

// GLS_CHROMIUM names the browser; else Debian's.
export function findChromium() {
  const candidates = process.env.GLS_CHROMIUM ? [process.env.GLS_CHROMIUM] : ["/usr/bin/chromium", "/usr/bin/chromium-browser"];
  const found = candidates.find((p) => existsSync(p));
  if (found) return found;
  throw new Error(
    `Chromium was not found (looked for ${candidates.join(", ")}). The browser tests drive Debian's chromium: ` +
      "install it with scripts/setup.sh (or apt-get install chromium), point GLS_CHROMIUM at a Chromium binary, " +
      "or set GLS_SKIP_BROWSER=1 to skip this test.",
  );
}

export async function loadPlaywright() {
  try {
    return await import("playwright-core");
  } catch (e) {
    throw new Error(`playwright-core is not installed: run npm ci in tests/js (scripts/setup.sh does). ${e.message}`);
  }
}

export function launchChromium(chromium, executablePath, extraArgs = []) {
  return chromium.launch({
    executablePath,
    headless: true,
    args: [...(process.getuid?.() === 0 ? ["--no-sandbox"] : []), "--disable-dev-shm-usage", "--disable-gpu",
           ...extraArgs],
  });
}
