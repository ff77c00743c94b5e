import * as assert from "assert";
import { problemsOf } from "../../support/configProblems";
import { parseConfig } from "../../../components/config/parse";
import { databaseRequestProblem } from "../../../components/mysql/connection";

describe("MySQL", () => {
  describe("config errors", () => {
    it("requires a host and exactly one source of the admin account in external mode", () => {
      assert.deepStrictEqual(problemsOf({ mysql: { mode: "external" } }), [
        "mysql.external.host: required when mysql.mode is external",
        "mysql.external.adminSecret: external MySQL needs its administrative account: name an existing Secret here, " +
          "or set the secret config key (pulumi config set --secret mysqlAdminPassword ...)",
      ]);
      const external = { mode: "external", external: { host: "db", adminSecret: { name: "db-admin" } } };
      assert.deepStrictEqual(problemsOf({ mysql: external }, ["mysqlAdminPassword"]), [
        "mysqlAdminPassword: set either mysql.external.adminSecret or mysqlAdminPassword, not both",
      ]);
      assert.doesNotThrow(() => parseConfig({ mysql: external }));
      assert.doesNotThrow(() =>
        parseConfig(
          { mysql: { mode: "external", external: { host: "db" } } },
          { secretConfigKeys: new Set(["mysqlAdminPassword"]) },
        ),
      );
    });

    it("rejects external settings in managed mode, and malformed values", () => {
      assert.deepStrictEqual(problemsOf({ mysql: { external: { host: "db.example.com" } } }), [
        "mysql.external: is only read when mysql.mode is external; set mysql.mode: external, or remove mysql.external",
      ]);
      assert.deepStrictEqual(problemsOf({}, ["mysqlAdminPassword"]), [
        "mysqlAdminPassword: is only read when mysql.mode is external (the managed server's root password is generated); remove it",
      ]);
      assert.match(problemsOf({ mysql: { mode: "cloud" } })[0], /^mysql\.mode: /);
      assert.match(
        problemsOf({ mysql: { storage: { size: "lots" } } })[0],
        /^mysql\.storage\.size: .*storage size/,
      );
      assert.match(problemsOf({ mysql: { image: "mysql:latest" } })[0], /^mysql\.image: .*latest/);
      assert.match(
        problemsOf({ mysql: { mode: "external", external: { host: "db", port: 0 } } }, [
          "mysqlAdminPassword",
        ])[0],
        /^mysql\.external\.port: /,
      );
      assert.match(
        problemsOf({ mysql: { external: { password: "x" } } })[0],
        /^mysql\.external\.password: unknown key/,
      );
    });

    it("refuses database names that are not plain SQL identifiers", () => {
      assert.strictEqual(
        databaseRequestProblem({ consumer: "hive", database: "metastore", user: "hive" }),
        undefined,
      );
      assert.match(
        databaseRequestProblem({ consumer: "hive", database: "meta`; DROP", user: "hive" }) ?? "",
        /database 'meta`; DROP'/,
      );
      assert.match(databaseRequestProblem({ consumer: "Hive", database: "m", user: "h" }) ?? "", /consumer/);
    });
  });
});
