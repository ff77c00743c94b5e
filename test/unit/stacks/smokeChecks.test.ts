import * as assert from "assert";
import { parseConfig } from "../../../components/config/parse";
import { smokeChecks } from "../../../stacks/smokeChecks";
import { outputsFor } from "../../support/fakeStackDriver";

describe("smoke checks", () => {
  const config = parseConfig({
    flink: {
      clusters: {
        session: {},
        etl: {
          namespace: "etl",
          ingress: { enabled: true, host: "etl.example.com", tlsSecretName: "etl-tls" },
        },
      },
    },
  });
  const good = outputsFor({
    flink: {
      clusters: {
        session: {},
        etl: {
          namespace: "etl",
          ingress: { enabled: true, host: "etl.example.com", tlsSecretName: "etl-tls" },
        },
      },
    },
  });

  it("pass on the outputs the program exports", () => {
    assert.deepStrictEqual(smokeChecks(good, config, "1.15.0"), [
      { name: "operatorVersion", ok: true, detail: "1.15.0" },
      { name: "namespace", ok: true, detail: "flink" },
      { name: "clusters", ok: true, detail: "etl, session" },
      { name: "cluster session", ok: true, detail: "http://session-rest.flink.svc:8081" },
      { name: "cluster etl", ok: true, detail: "http://etl-rest.etl.svc:8081 https://etl.example.com/" },
    ]);
  });

  it("catch missing, malformed and unexpected outputs", () => {
    const clusters = {
      session: { namespace: "flink", restUrl: "https://session-rest.flink.svc:8081" },
      etl: {
        namespace: "etl",
        restUrl: "http://etl-rest.etl.svc:8081",
        ingressUrl: "http://etl.example.com/",
      },
      extra: { namespace: "flink", restUrl: "http://extra-rest.flink.svc:8081" },
    };
    const checks = smokeChecks(
      { namespace: { value: "flink", secret: true }, clusters: { value: clusters, secret: false } },
      config,
      "1.15.0",
    );
    assert.deepStrictEqual(checks, [
      { name: "operatorVersion", ok: false, detail: "expected 1.15.0, got missing" },
      { name: "namespace", ok: true, detail: "flink" },
      { name: "clusters", ok: false, detail: "exported [etl, extra, session], configured [etl, session]" },
      {
        name: "cluster session",
        ok: false,
        detail: 'restUrl "https://session-rest.flink.svc:8081" is not http://session-rest.flink.svc:8081',
      },
      {
        name: "cluster etl",
        ok: false,
        detail: 'ingressUrl is "http://etl.example.com/", expected https://etl.example.com/',
      },
    ]);
    const none = smokeChecks({ namespace: { value: "other", secret: true } }, config, "1.15.0");
    assert.deepStrictEqual(none.slice(1, 4), [
      { name: "namespace", ok: false, detail: "expected flink, got [secret]" },
      { name: "clusters", ok: false, detail: "clusters output is missing" },
      { name: "cluster session", ok: false, detail: "not exported" },
    ]);
  });
});
