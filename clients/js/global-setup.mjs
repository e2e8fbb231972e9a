// Jest and Vitest global set-up: one gls-local for the whole run. Its address
// reaches the test files as process.env.GLS_LOCAL_ENDPOINT; there,
// connectGlsLocal(process.env.GLS_LOCAL_ENDPOINT) drives it.
//   Jest:   globalSetup: "gls-local/global-setup.mjs", globalTeardown: "gls-local/global-teardown.mjs"
//   Vitest: test: { globalSetup: ["gls-local/global-setup.mjs"] }   (the returned function tears down)
// Options come from the environment: GLS_BINARY, and GLS_* flags.
import { startGlsLocal } from "./gls-local.mjs";

export default async function setup() {
  const gls = await startGlsLocal();
  globalThis.__glsLocal = gls;
  process.env.GLS_LOCAL_ENDPOINT = gls.url;
  return teardown;
}

export async function teardown() {
  const gls = globalThis.__glsLocal;
  globalThis.__glsLocal = undefined;
  if (gls) await gls.stop();
}
