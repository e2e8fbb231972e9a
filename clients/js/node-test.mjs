// A gls-local for a node:test file or suite: started before its tests, reset
// (fixtures reloaded) before each one, stopped after them.
//   import { useGlsLocal } from "gls-local/node-test.mjs";
//   const gls = useGlsLocal();       // call at the top level or inside describe()
//   test("...", async () => { const streams = new GameLiftStreamsClient(gls.clientConfig()); ... });
import { after, before, beforeEach } from "node:test";
import { GlsLocal } from "./gls-local.mjs";

export function useGlsLocal(options = {}) {
  const gls = new GlsLocal(options);
  before(() => gls.start());
  beforeEach(() => gls.reset());
  after(() => gls.stop());
  return gls;
}
