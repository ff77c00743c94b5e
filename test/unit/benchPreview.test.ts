import * as assert from "assert";
import { median, summaryLines } from "../../scripts/bench-preview";

describe("preview benchmark summary", () => {
  it("takes medians of odd and even counts", () => {
    assert.strictEqual(median([3, 1, 2]), 2);
    assert.strictEqual(median([4, 1, 3, 2]), 2.5);
    assert.throws(() => median([]), /no samples/);
  });

  it("prints both medians and the ratio against the target", () => {
    assert.deepStrictEqual(summaryLines({ prod: [5000, 4000, 6000], empty: [2500, 2000, 3000] }), [
      "prod   median 5.00 s  (5.00 s, 4.00 s, 6.00 s)",
      "empty  median 2.50 s  (2.50 s, 2.00 s, 3.00 s)",
      "ratio  2.00x (target at most 2x: met)",
    ]);
    assert.match(
      summaryLines({ prod: [9100], empty: [2400] })[2],
      /^ratio {2}3\.79x \(target at most 2x: NOT met\)$/,
    );
  });
});
