import * as assert from "assert";
import * as crypto from "crypto";
import * as fs from "fs";
import * as path from "path";
import { schemaFilesScript, schemaLoadScript } from "../../../components/streampark/schema";
import { FakeMysql } from "../../support/fakeMysql";

describe("StreamPark", () => {
  describe("schema load", () => {
    const UPSTREAM_SCHEMA = [
      "/* license header */",
      "create database if not exists `streampark` character set utf8mb4 collate utf8mb4_general_ci;",
      "use streampark;",
      "set names utf8mb4;",
      "drop table if exists `t_flink_app`;",
      "create table `t_flink_app` (`id` bigint not null auto_increment, primary key (`id`));",
      "drop table if exists `t_user`;",
      "create table `t_user` (`user_id` bigint not null auto_increment, primary key (`user_id`));",
      "drop table if exists `t_member`;",
      "create table `t_member` (`id` bigint not null auto_increment, primary key (`id`));",
      "",
    ].join("\n");
    const UPSTREAM_DATA = [
      "-- seed data",
      "use streampark;",
      "insert into `t_user` values (100000);",
      "",
    ].join("\n");
    const ACCOUNT = { FAKE_MYSQL_USER: "streampark", FAKE_MYSQL_PASSWORD: 'p"w\\d$x' };
    let mysql: FakeMysql;
    let dirs: { appHome: string; schemaDir: string; clientConfigDir: string };
    const env = () => ({
      ...ACCOUNT,
      FAKE_MYSQL_NO_DATABASE_SWITCH: "1",
      MYSQL_HOST: "mysql.flink.svc",
      MYSQL_PORT: "3306",
      DATABASE: "streampark",
      DATABASE_USER: ACCOUNT.FAKE_MYSQL_USER,
      DATABASE_PASSWORD: ACCOUNT.FAKE_MYSQL_PASSWORD,
      ADMIN_PASSWORD: "generated-admin-1",
    });
    const load = (extra: Record<string, string> = {}) =>
      mysql.run(schemaLoadScript(dirs), { ...env(), ...extra });

    beforeEach(async () => {
      mysql = new FakeMysql();
      dirs = {
        appHome: path.join(mysql.dir, "streampark"),
        schemaDir: path.join(mysql.dir, "schema"),
        clientConfigDir: path.join(mysql.dir, "client"),
      };
      for (const dir of ["streampark/script/schema", "streampark/script/data", "schema", "client"]) {
        fs.mkdirSync(path.join(mysql.dir, dir), { recursive: true });
      }
      fs.writeFileSync(path.join(dirs.appHome, "script/schema/mysql-schema.sql"), UPSTREAM_SCHEMA);
      fs.writeFileSync(path.join(dirs.appHome, "script/data/mysql-data.sql"), UPSTREAM_DATA);
      const files = await mysql.run(schemaFilesScript(dirs), {});
      assert.strictEqual(files.code, 0, files.output);
    });
    afterEach(() => mysql.remove());

    it("takes the image's SQL without its own database statements", () => {
      const schema = fs.readFileSync(path.join(dirs.schemaDir, "mysql-schema.sql"), "utf8");
      assert.strictEqual(
        schema,
        UPSTREAM_SCHEMA.replace(/^create database.*\n/m, "").replace(/^use streampark;\n/m, ""),
      );
      assert.doesNotMatch(
        fs.readFileSync(path.join(dirs.schemaDir, "mysql-data.sql"), "utf8"),
        /use streampark/,
      );
    });

    it("loads schema and seed data into an empty database, then never again", async () => {
      const first = await load();
      assert.strictEqual(first.code, 0, first.output);
      assert.match(first.output, /schema and seed data loaded into streampark/);
      let state = mysql.state;
      assert.strictEqual(state.marker, "loaded");
      assert.deepStrictEqual(state.tables, ["flink_platform_schema", "t_flink_app", "t_user", "t_member"]);
      assert.strictEqual(state.scripts.length, 2);
      const second = await load();
      assert.strictEqual(second.code, 0, second.output);
      assert.match(second.output, /already loaded/);
      state = mysql.state;
      assert.strictEqual(state.scripts.length, 2, "the schema ran again");
    });

    it("restores the seed admin account when the admin password Secret was generated anew", async () => {
      const sha = (text: string) => crypto.createHash("sha256").update(text).digest("hex");
      assert.strictEqual((await load()).code, 0);
      assert.strictEqual(mysql.state.adminSecret, sha("generated-admin-1"));
      assert.strictEqual((await load()).code, 0);
      assert.strictEqual(mysql.state.adminRestores ?? 0, 0, "same Secret: the admin account stays as it is");

      // StreamPark turned off and on again: a new Secret, the kept database still has the old password.
      const renewed = await load({ ADMIN_PASSWORD: "generated-admin-2" });
      assert.strictEqual(renewed.code, 0, renewed.output);
      assert.match(renewed.output, /admin account restored from the seed data/);
      assert.strictEqual(mysql.state.adminRestores, 1);
      assert.strictEqual(mysql.state.adminSecret, sha("generated-admin-2"));
      assert.ok(mysql.state.scripts.at(-1)?.startsWith("replace into `t_user` values (100000);"));
      assert.strictEqual((await load({ ADMIN_PASSWORD: "generated-admin-2" })).code, 0);
      assert.strictEqual(mysql.state.adminRestores, 1);
    });

    it("loads again after a load that stopped half-way", async () => {
      const broken = await load({ FAKE_MYSQL_FAIL_ON: "t_member" });
      assert.notStrictEqual(broken.code, 0);
      assert.strictEqual(mysql.state.marker, "loading");
      const retry = await load();
      assert.strictEqual(retry.code, 0, retry.output);
      assert.match(retry.output, /did not finish \(loading\); loading again/);
      assert.strictEqual(mysql.state.marker, "loaded");
    });

    it("leaves a StreamPark schema made elsewhere alone, and refuses a database with other tables", async () => {
      mysql.state = { tables: ["t_user", "t_flink_app"], scripts: [], statements: [] };
      const existing = await load();
      assert.strictEqual(existing.code, 0, existing.output);
      assert.match(existing.output, /made elsewhere; leaving it as it is/);
      assert.deepStrictEqual(mysql.state.scripts, []);

      mysql.state = { tables: ["orders"], scripts: [], statements: [] };
      const foreign = await load();
      assert.strictEqual(foreign.code, 1);
      assert.match(foreign.output, /refusing to load over them/);
      assert.deepStrictEqual(mysql.state.scripts, []);
    });

    it("fails without touching anything when the password is wrong", async () => {
      const denied = await mysql.run(schemaLoadScript({ ...dirs, wait: { attempts: 1 } }), {
        ...env(),
        DATABASE_PASSWORD: "wrong",
      });
      assert.strictEqual(denied.code, 1);
      assert.match(denied.output, /did not accept the account/);
      assert.deepStrictEqual(mysql.state.statements, []);
    });
  });
});
