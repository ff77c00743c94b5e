/** The problems an invalid config is rejected with, as "path: message" strings; fails the test if it is accepted. */
import * as assert from "assert";
import { ConfigError } from "../../components/config/problems";
import { parseConfig } from "../../components/config/parse";

export function problemsOf(raw: Record<string, unknown>, secretConfigKeys: string[] = []): string[] {
  try {
    parseConfig(raw, { secretConfigKeys: new Set(secretConfigKeys) });
  } catch (err) {
    assert.ok(err instanceof ConfigError, `expected a ConfigError, got ${String(err)}`);
    return err.problems.map((p) => `${p.path}: ${p.message}`);
  }
  assert.fail("expected the config to be rejected");
}
