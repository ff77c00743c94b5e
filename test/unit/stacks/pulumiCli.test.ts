import * as assert from "assert";
import * as fs from "fs";
import * as path from "path";
import { EnvironmentError } from "../../../stacks/environment";
import {
  cliVersionProblem,
  compareCliVersions,
  findOnPath,
  MINIMUM_PULUMI_CLI,
  parseCliVersion,
  resolvePulumiCli,
} from "../../../stacks/pulumiCli";
import { scratchProject } from "./fakePulumi";

describe("Pulumi CLI version", () => {
  it("parses what `pulumi version` prints, release and dev builds", () => {
    assert.deepStrictEqual(parseCliVersion("v3.274.1\n"), {
      major: 3,
      minor: 274,
      patch: 1,
      text: "3.274.1",
    });
    assert.deepStrictEqual(parseCliVersion("v3.275.0-alpha.x1a2b3c"), {
      major: 3,
      minor: 275,
      patch: 0,
      prerelease: "alpha.x1a2b3c",
      text: "3.275.0-alpha.x1a2b3c",
    });
    for (const output of ["", "pulumi", "warning: A new version of Pulumi is available\nv3.274.1", "3.274"]) {
      assert.strictEqual(parseCliVersion(output), undefined, JSON.stringify(output));
    }
  });

  it("orders versions numerically, a pre-release before its release", () => {
    const v = (text: string) => parseCliVersion(text)!;
    assert.ok(compareCliVersions(v("3.270.0"), v("3.269.9")) > 0);
    assert.ok(compareCliVersions(v("3.99.0"), v("3.270.0")) < 0, "numeric, not lexical");
    assert.ok(compareCliVersions(v("3.270.0-alpha.1"), v("3.270.0")) < 0);
    assert.strictEqual(compareCliVersions(v("v3.270.0"), v("3.270.0")), 0);
  });

  it("accepts the minimum and newer 3.x CLIs, refuses older ones, other majors and garbage", () => {
    assert.strictEqual(MINIMUM_PULUMI_CLI, "3.270.0");
    for (const ok of ["v3.270.0", "v3.274.1", "v3.300.0"]) {
      assert.strictEqual(cliVersionProblem(ok, "/bin/pulumi"), undefined, ok);
    }
    assert.strictEqual(
      cliVersionProblem("v3.100.0", "/usr/bin/pulumi"),
      "/usr/bin/pulumi is Pulumi CLI 3.100.0, older than 3.270.0, the oldest this project supports: upgrade it " +
        "(https://www.pulumi.com/docs/install/) or build the project's own with scripts/build-toolchain.sh",
    );
    assert.match(cliVersionProblem("v3.270.0-alpha.1", "p")!, /older than 3\.270\.0/);
    assert.match(
      cliVersionProblem("v4.0.0", "p")!,
      /drives 3\.x CLIs: install CLI 3\.270\.0 or a newer 3\.x/,
    );
    assert.match(
      cliVersionProblem("oops", "p")!,
      /cannot tell the version of p: `pulumi version` printed 'oops'/,
    );
  });
});

describe("finding the Pulumi CLI", () => {
  it("finds the first executable pulumi on PATH, skipping relative and non-executable entries", () => {
    const first = scratchProject({ withoutCli: true });
    const second = scratchProject();
    try {
      fs.writeFileSync(path.join(first.bin, "pulumi"), "not executable", { mode: 0o644 });
      const value = ["relative/bin", first.bin, second.bin].join(path.delimiter);
      assert.strictEqual(findOnPath(value), path.join(second.bin, "pulumi"));
      assert.strictEqual(findOnPath(first.bin), undefined);
      assert.strictEqual(findOnPath(undefined), undefined);
    } finally {
      first.remove();
      second.remove();
    }
  });

  it("refuses a PATH without pulumi, an old pulumi and one that fails, each with the fix", async () => {
    const none = scratchProject({ withoutCli: true });
    const old = scratchProject({ version: "v3.100.0" });
    const broken = scratchProject();
    fs.writeFileSync(path.join(broken.bin, "pulumi"), "#!/bin/sh\necho 'error: boom' >&2\nexit 3\n");
    try {
      await assert.rejects(
        resolvePulumiCli(none.root, { PATH: none.bin }),
        (err: unknown) =>
          err instanceof EnvironmentError &&
          /^no Pulumi CLI: there is no `pulumi` on PATH and no \.toolchain\/bin\/pulumi; install Pulumi CLI 3\.270\.0 or newer/.test(
            err.message,
          ),
      );
      await assert.rejects(
        resolvePulumiCli(old.root, { PATH: old.bin }),
        (err: unknown) =>
          err instanceof EnvironmentError &&
          err.message.startsWith(`${path.join(old.bin, "pulumi")} is Pulumi CLI 3.100.0, older than 3.270.0`),
      );
      await assert.rejects(
        resolvePulumiCli(broken.root, { PATH: broken.bin }),
        (err: unknown) =>
          err instanceof EnvironmentError && /version` failed \(error: boom\)/.test(err.message),
      );
      const cli = await resolvePulumiCli(old.root, { PATH: old.bin, FAKE_PULUMI_VERSION: "v3.274.1" });
      assert.deepStrictEqual([cli.command, cli.version.text], [path.join(old.bin, "pulumi"), "3.274.1"]);
    } finally {
      none.remove();
      old.remove();
      broken.remove();
    }
  });

  it("prefers the project's own build in .toolchain/bin over PATH", async () => {
    const project = scratchProject({ version: "v3.100.0" });
    try {
      const own = path.join(project.root, ".toolchain", "bin");
      fs.mkdirSync(own, { recursive: true });
      fs.writeFileSync(path.join(own, "pulumi"), "#!/bin/sh\necho v3.274.1\n", { mode: 0o755 });
      const cli = await resolvePulumiCli(project.root, { PATH: project.bin });
      assert.deepStrictEqual([cli.command, cli.version.text], [path.join(own, "pulumi"), "3.274.1"]);
    } finally {
      project.remove();
    }
  });
});
