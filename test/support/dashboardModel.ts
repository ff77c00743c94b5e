/**
 * The PromQL a shipped dashboard's JSON model holds (what a dashboard ConfigMap carries), for the suites that check
 * those queries against Prometheus' own tools and against what real exporters serve.
 */
import * as assert from "assert";

export interface DashboardQuery {
  /** `<uid> / <row> / <panel> / <refId>`, or `<uid> / variable <name>`: where a problem is to be fixed. */
  readonly where: string;
  readonly expr: string;
}

/** Every panel target's query, and the selector of every label_values variable, of a dashboard's JSON model. */
export function dashboardModelQueries(model: any): DashboardQuery[] {
  const uid = String(model.uid);
  const queries: DashboardQuery[] = [];
  let row = "";
  for (const panel of model.panels ?? []) {
    if (panel.type === "row") {
      row = panel.title;
      continue;
    }
    for (const target of panel.targets ?? []) {
      queries.push({ where: `${uid} / ${row} / ${panel.title} / ${target.refId}`, expr: target.expr });
    }
  }
  for (const variable of model.templating?.list ?? []) {
    if (variable.type !== "query") {
      continue;
    }
    const match = /^label_values\((.*),\s*[a-zA-Z_][a-zA-Z0-9_]*\)$/s.exec(variable.query);
    assert.ok(match, `${uid}: variable ${variable.name}: not a label_values(<selector>, <label>) query`);
    queries.push({ where: `${uid} / variable ${variable.name}`, expr: match[1] });
  }
  return queries;
}
