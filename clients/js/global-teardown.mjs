// Jest global tear-down: stops the gls-local of global-setup.mjs.
export { teardown as default } from "./global-setup.mjs";
