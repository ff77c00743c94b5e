/**
 * A client of Flink's SQL Gateway REST endpoint (API v1, served by 1.20 and 2.x): open a session, run a statement,
 * page through its result until the end. What a SQL client behind the platform's gateway does.
 */
import { jsonRequest, waitFor } from "./flinkRest";

export interface StatementResult {
  readonly columns: readonly string[];
  readonly rows: readonly unknown[][];
  /** The job a statement such as INSERT submitted. */
  readonly jobId?: string;
}

interface ResultPage {
  readonly resultType: "NOT_READY" | "PAYLOAD" | "EOS";
  readonly results?: {
    readonly columns?: { readonly name: string }[];
    readonly data?: { readonly kind: string; readonly fields: unknown[] }[];
  };
  readonly jobID?: string;
  readonly nextResultUri?: string;
}

export class SqlGateway {
  constructor(readonly baseUrl: string) {}

  private async call<T>(method: string, route: string, body?: unknown): Promise<T> {
    return jsonRequest<T>(method, route.startsWith("http") ? route : `${this.baseUrl}${route}`, body);
  }

  async info(): Promise<{ productName: string; version: string }> {
    return this.call("GET", "/v1/info");
  }

  async openSession(): Promise<string> {
    const { sessionHandle } = await this.call<{ sessionHandle: string }>("POST", "/v1/sessions", {});
    return sessionHandle;
  }

  async closeSession(session: string): Promise<void> {
    await this.call("DELETE", `/v1/sessions/${session}`);
  }

  /** Run one statement and read its whole result (an INSERT's result is its job id). */
  async execute(session: string, statement: string, timeoutMs = 180_000): Promise<StatementResult> {
    const { operationHandle } = await this.call<{ operationHandle: string }>(
      "POST",
      `/v1/sessions/${session}/statements`,
      { statement },
    );
    const columns: string[] = [];
    const rows: unknown[][] = [];
    let jobId: string | undefined;
    let next: string | undefined = `/v1/sessions/${session}/operations/${operationHandle}/result/0`;
    await waitFor(`the result of: ${statement}`, timeoutMs, async () => {
      while (next) {
        const page: ResultPage = await this.call<ResultPage>("GET", next);
        if (page.resultType === "NOT_READY") {
          return { done: false, seen: "NOT_READY" };
        }
        if (columns.length === 0 && page.results?.columns) {
          columns.push(...page.results.columns.map((c) => c.name));
        }
        rows.push(...(page.results?.data ?? []).map((row) => row.fields));
        jobId = page.jobID ?? jobId;
        next = page.resultType === "EOS" ? undefined : page.nextResultUri;
      }
      return { done: true, value: undefined };
    });
    return { columns, rows, jobId };
  }
}
