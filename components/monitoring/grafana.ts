/**
 * A small typed builder for the Grafana dashboards the platform ships: rows of time-series and stat panels over one
 * Prometheus datasource, chosen by a dashboard variable. It emits only the JSON fields it sets on purpose; Grafana
 * fills in the rest (and migrates `schemaVersion` forward) when it loads the file.
 *
 * Why not `@grafana/grafana-foundation-sdk`: it is the typed library Grafana publishes, but it is a 0.0.x "public
 * preview" (breaking changes between releases), 11 MB of generated code for the two panel types used here, and its
 * defaults would all need overriding (no panel ids or query refIds, hidden legends, empty stat reductions).
 */

/** The datasource every panel and query uses: the value of the `datasource` variable. */
export const DATASOURCE_VARIABLE = "datasource";
const DATASOURCE = { type: "prometheus", uid: `\${${DATASOURCE_VARIABLE}}` } as const;

/** Grafana's width of a dashboard row, in grid units. */
export const GRID_WIDTH = 24;
/** JSON schema version of the files written (Grafana 10.4 and later read it; newer versions migrate it on load). */
export const SCHEMA_VERSION = 39;

/** Units Grafana knows, as used by these dashboards. */
export type Unit =
  | "short"
  | "none"
  | "percentunit"
  | "bytes"
  | "Bps"
  | "ms"
  | "s"
  | "ns"
  | "reqps"
  | "ops"
  | "dtdurationms"
  | "dtdurations";

/** One PromQL query of a panel. `legend` is Grafana's legend format, e.g. `{{task_name}}`. */
export interface Query {
  readonly expr: string;
  readonly legend?: string;
}

interface PanelCommon {
  readonly title: string;
  readonly description?: string;
  readonly unit?: Unit;
  /** Width in grid units (1-24); the default fits three panels in a row. */
  readonly width?: number;
  readonly height?: number;
  readonly queries: readonly Query[];
}

export interface TimeSeriesPanel extends PanelCommon {
  readonly kind: "timeseries";
  readonly min?: number;
  readonly max?: number;
  /** Stack the series (for parts of a whole, e.g. slots in use and free). */
  readonly stacked?: boolean;
}

export interface StatPanel extends PanelCommon {
  readonly kind: "stat";
  /** Value shown in red at and above this threshold (green below). */
  readonly redFrom?: number;
}

export type Panel = TimeSeriesPanel | StatPanel;

export interface Row {
  readonly title: string;
  readonly panels: readonly Panel[];
}

/** A template variable filled from `label_values(<selector>, <label>)`. */
export interface LabelVariable {
  readonly name: string;
  readonly label: string;
  /** A series selector, e.g. `flink_jobmanager_numRegisteredTaskManagers{namespace=~"$namespace"}`. */
  readonly selector: string;
  readonly labelName: string;
  /** Several values and "All" (a regex over every value). */
  readonly multi?: boolean;
}

export interface DashboardSpec {
  readonly uid: string;
  readonly title: string;
  readonly description: string;
  readonly tags: readonly string[];
  readonly variables: readonly LabelVariable[];
  readonly rows: readonly Row[];
}

export const timeseries = (panel: Omit<TimeSeriesPanel, "kind">): TimeSeriesPanel => ({
  kind: "timeseries",
  ...panel,
});
export const stat = (panel: Omit<StatPanel, "kind">): StatPanel => ({ kind: "stat", ...panel });

/** `label_values(...)` query of a variable. */
export function variableQuery(variable: LabelVariable): string {
  return `label_values(${variable.selector}, ${variable.labelName})`;
}

const DEFAULT_HEIGHT = { timeseries: 8, stat: 4 } as const;
const DEFAULT_WIDTH = 8;

function refId(index: number): string {
  return String.fromCharCode("A".charCodeAt(0) + index);
}

function targets(queries: readonly Query[]) {
  return queries.map((query, index) => ({
    refId: refId(index),
    datasource: DATASOURCE,
    expr: query.expr,
    ...(query.legend ? { legendFormat: query.legend } : {}),
    range: true,
  }));
}

function fieldDefaults(panel: Panel) {
  const thresholds =
    panel.kind === "stat" && panel.redFrom !== undefined
      ? [
          { color: "green", value: null },
          { color: "red", value: panel.redFrom },
        ]
      : [{ color: "green", value: null }];
  return {
    unit: panel.unit ?? "short",
    ...(panel.kind === "timeseries" && panel.min !== undefined ? { min: panel.min } : {}),
    ...(panel.kind === "timeseries" && panel.max !== undefined ? { max: panel.max } : {}),
    thresholds: { mode: "absolute", steps: thresholds },
    ...(panel.kind === "timeseries"
      ? {
          custom: {
            drawStyle: "line",
            lineWidth: 1,
            fillOpacity: panel.stacked ? 30 : 10,
            showPoints: "never",
            stacking: { mode: panel.stacked ? "normal" : "none", group: "A" },
          },
        }
      : {}),
  };
}

function panelOptions(panel: Panel) {
  if (panel.kind === "stat") {
    return {
      reduceOptions: { calcs: ["lastNotNull"], fields: "", values: false },
      colorMode: "value",
      graphMode: "area",
      textMode: "auto",
      justifyMode: "auto",
      orientation: "auto",
    };
  }
  return {
    legend: { showLegend: true, displayMode: "list", placement: "bottom", calcs: [] },
    tooltip: { mode: "multi", sort: "desc" },
  };
}

/** Lay out rows of panels left to right, wrapping at the grid width; each row starts with a row header. */
function layout(rows: readonly Row[]) {
  const panels: Record<string, unknown>[] = [];
  let id = 1;
  let y = 0;
  for (const row of rows) {
    panels.push({
      type: "row",
      id: id++,
      title: row.title,
      collapsed: false,
      panels: [],
      gridPos: { x: 0, y, w: GRID_WIDTH, h: 1 },
    });
    y += 1;
    let x = 0;
    let lineHeight = 0;
    for (const panel of row.panels) {
      const w = panel.width ?? DEFAULT_WIDTH;
      const h = panel.height ?? DEFAULT_HEIGHT[panel.kind];
      if (w < 1 || w > GRID_WIDTH) {
        throw new Error(`panel '${panel.title}': width ${w} is outside 1..${GRID_WIDTH}`);
      }
      if (x + w > GRID_WIDTH) {
        x = 0;
        y += lineHeight;
        lineHeight = 0;
      }
      panels.push({
        type: panel.kind,
        id: id++,
        title: panel.title,
        ...(panel.description ? { description: panel.description } : {}),
        datasource: DATASOURCE,
        gridPos: { x, y, w, h },
        targets: targets(panel.queries),
        fieldConfig: { defaults: fieldDefaults(panel), overrides: [] },
        options: panelOptions(panel),
      });
      x += w;
      lineHeight = Math.max(lineHeight, h);
    }
    y += lineHeight;
  }
  return panels;
}

function templating(variables: readonly LabelVariable[]) {
  const datasource = {
    type: "datasource",
    name: DATASOURCE_VARIABLE,
    label: "Data source",
    query: "prometheus",
    // Empty: Grafana picks the default Prometheus datasource, whatever its uid.
    current: {},
    hide: 0,
    refresh: 1,
    regex: "",
    options: [],
  };
  const queries = variables.map((variable) => ({
    type: "query",
    name: variable.name,
    label: variable.label,
    datasource: DATASOURCE,
    // The plain-string form, which every Grafana version since 7 reads (newer ones convert it on load).
    query: variableQuery(variable),
    definition: variableQuery(variable),
    refresh: 2, // on time range change, so new clusters and jobs appear
    sort: 1,
    multi: variable.multi ?? false,
    includeAll: variable.multi ?? false,
    ...(variable.multi ? { allValue: ".*" } : {}),
    current: {},
    hide: 0,
    regex: "",
    options: [],
  }));
  return { list: [datasource, ...queries] };
}

/** The dashboard JSON model (what Grafana's sidecar loads from a ConfigMap). */
export function buildDashboard(spec: DashboardSpec): Record<string, unknown> {
  return {
    uid: spec.uid,
    title: spec.title,
    description: spec.description,
    tags: [...spec.tags],
    editable: false,
    graphTooltip: 1, // shared crosshair
    schemaVersion: SCHEMA_VERSION,
    version: 1,
    refresh: "30s",
    time: { from: "now-3h", to: "now" },
    timezone: "browser",
    annotations: { list: [] },
    links: [],
    templating: templating(spec.variables),
    panels: layout(spec.rows),
  };
}

/** Every PromQL expression of a dashboard spec, with where it is used (for checks and documentation). */
export function dashboardQueries(spec: DashboardSpec): Array<{ where: string; expr: string }> {
  const queries: Array<{ where: string; expr: string }> = [];
  for (const row of spec.rows) {
    for (const panel of row.panels) {
      for (const query of panel.queries) {
        queries.push({ where: `${spec.uid} / ${row.title} / ${panel.title}`, expr: query.expr });
      }
    }
  }
  return queries;
}
