/**
 * PromQL checks for the dashboards and alert rules. Expressions are parsed with the Prometheus project's own grammar
 * (`@prometheus-io/lezer-promql`, the parser behind the Prometheus web UI's query editor). That grammar is
 * error-tolerant and untyped (it accepts `rate(foo)`), so a small type pass follows, in the spirit of the
 * Prometheus parser's `checkAST`: range vectors only where a function takes one, no range vector in arithmetic,
 * set operators between instant vectors, `offset` right after a selector, and known function signatures.
 */
import { parser } from "@prometheus-io/lezer-promql";

type SyntaxNode = ReturnType<typeof parser.parse>["topNode"];

/** Grafana's interval variables, which Grafana replaces before the query reaches Prometheus. */
const GRAFANA_INTERVALS: Readonly<Record<string, string>> = {
  $__rate_interval: "1m",
  $__interval: "30s",
  $__range: "1h",
};

export type ValueType = "scalar" | "instant" | "range" | "string";

export interface ParsedQuery {
  /** Metric names of the vector selectors, in order of appearance. */
  readonly metrics: string[];
  /** Syntax and type errors; empty when the expression is fine. */
  readonly errors: string[];
  /** Type of the whole expression, when it could be determined. */
  readonly type?: ValueType;
}

interface Signature {
  readonly args: readonly ValueType[];
  /** How many trailing arguments may be left out. */
  readonly optional?: number;
  /** The last argument type repeats. */
  readonly variadic?: boolean;
  readonly returns: ValueType;
}

const overRange: Signature = { args: ["range"], returns: "instant" };
const onInstant: Signature = { args: ["instant"], returns: "instant" };

/** Signatures of the functions, by the grammar's node name (Prometheus docs: Functions). */
const FUNCTIONS: Readonly<Record<string, Signature>> = {
  Rate: overRange,
  Irate: overRange,
  Increase: overRange,
  Delta: overRange,
  Idelta: overRange,
  Deriv: overRange,
  Changes: overRange,
  Resets: overRange,
  AvgOverTime: overRange,
  MinOverTime: overRange,
  MaxOverTime: overRange,
  SumOverTime: overRange,
  CountOverTime: overRange,
  LastOverTime: overRange,
  StddevOverTime: overRange,
  PresentOverTime: overRange,
  AbsentOverTime: overRange,
  QuantileOverTime: { args: ["scalar", "range"], returns: "instant" },
  PredictLinear: { args: ["range", "scalar"], returns: "instant" },
  Absent: onInstant,
  Abs: onInstant,
  Ceil: onInstant,
  Floor: onInstant,
  Exp: onInstant,
  Ln: onInstant,
  Log2: onInstant,
  Log10: onInstant,
  Sqrt: onInstant,
  Sgn: onInstant,
  Sort: onInstant,
  SortDesc: onInstant,
  Timestamp: onInstant,
  Round: { args: ["instant", "scalar"], optional: 1, returns: "instant" },
  ClampMin: { args: ["instant", "scalar"], returns: "instant" },
  ClampMax: { args: ["instant", "scalar"], returns: "instant" },
  Clamp: { args: ["instant", "scalar", "scalar"], returns: "instant" },
  HistogramQuantile: { args: ["scalar", "instant"], returns: "instant" },
  LabelReplace: { args: ["instant", "string", "string", "string", "string"], returns: "instant" },
  LabelJoin: {
    args: ["instant", "string", "string", "string"],
    optional: 1,
    variadic: true,
    returns: "instant",
  },
  Scalar: { args: ["instant"], returns: "scalar" },
  Vector: { args: ["scalar"], returns: "instant" },
  Time: { args: [], returns: "scalar" },
};

/** Aggregations that take a parameter before the vector. */
const AGGREGATION_PARAMETER: Readonly<Record<string, ValueType>> = {
  Topk: "scalar",
  Bottomk: "scalar",
  Quantile: "scalar",
  LimitK: "scalar",
  LimitRatio: "scalar",
  CountValues: "string",
};

const EXPRESSIONS = new Set([
  "AggregateExpr",
  "BinaryExpr",
  "FunctionCall",
  "MatrixSelector",
  "NumberDurationLiteral",
  "OffsetExpr",
  "ParenExpr",
  "StepInvariantExpr",
  "StringLiteral",
  "SubqueryExpr",
  "UnaryExpr",
  "VectorSelector",
]);

const SET_OPERATORS = new Set(["And", "Or", "Unless"]);

function expressionChildren(node: SyntaxNode): SyntaxNode[] {
  const children: SyntaxNode[] = [];
  for (let child = node.firstChild; child; child = child.nextSibling) {
    if (EXPRESSIONS.has(child.name)) {
      children.push(child);
    }
  }
  return children;
}

/** Infer the type of an expression node, reporting what Prometheus would reject. */
function typeOf(node: SyntaxNode, source: string, errors: string[]): ValueType | undefined {
  const text = source.slice(node.from, node.to);
  const fail = (message: string) => {
    errors.push(`${message}: '${text}'`);
    return undefined;
  };
  const operand = (child: SyntaxNode | undefined) => (child ? typeOf(child, source, errors) : undefined);
  switch (node.name) {
    case "NumberDurationLiteral":
      return "scalar";
    case "StringLiteral":
      return "string";
    case "VectorSelector":
      return "instant";
    case "MatrixSelector":
      return "range";
    case "SubqueryExpr": {
      const inner = operand(expressionChildren(node)[0]);
      return inner === "instant" || inner === undefined
        ? "range"
        : fail("a subquery needs an instant vector");
    }
    case "OffsetExpr":
    case "StepInvariantExpr": {
      const inner = expressionChildren(node)[0];
      if (!inner || !["VectorSelector", "MatrixSelector", "SubqueryExpr"].includes(inner.name)) {
        return fail("put 'offset'/'@' right after a selector or range (e.g. avg_over_time(x[1h] offset 1h))");
      }
      return operand(inner);
    }
    case "ParenExpr":
      return operand(expressionChildren(node)[0]);
    case "UnaryExpr": {
      const inner = operand(expressionChildren(node)[0]);
      return inner === "range" || inner === "string"
        ? fail("unary minus needs a number or instant vector")
        : inner;
    }
    case "BinaryExpr": {
      const [lhs, rhs] = expressionChildren(node).map((child) => operand(child));
      let operator = "";
      for (let child = node.firstChild; child; child = child.nextSibling) {
        if (
          !EXPRESSIONS.has(child.name) &&
          !child.name.endsWith("Modifier") &&
          !child.name.endsWith("Clause")
        ) {
          operator = child.name;
        }
      }
      if (lhs === "range" || rhs === "range" || lhs === "string" || rhs === "string") {
        return fail("binary operators take numbers or instant vectors, not range vectors or strings");
      }
      if (SET_OPERATORS.has(operator) && (lhs === "scalar" || rhs === "scalar")) {
        return fail(`'${operator.toLowerCase()}' needs instant vectors on both sides`);
      }
      return lhs === "instant" || rhs === "instant" ? "instant" : lhs && rhs ? "scalar" : undefined;
    }
    case "AggregateExpr": {
      const op = node.getChild("AggregateOp")?.firstChild?.name ?? "";
      const body = node.getChild("FunctionCallBody");
      const args = body ? expressionChildren(body).map((child) => operand(child)) : [];
      const expected = AGGREGATION_PARAMETER[op] ? [AGGREGATION_PARAMETER[op], "instant"] : ["instant"];
      if (
        args.length !== expected.length ||
        args.some((type, i) => type !== undefined && type !== expected[i])
      ) {
        return fail(`aggregation takes (${expected.join(", ")})`);
      }
      return "instant";
    }
    case "FunctionCall": {
      const name = node.getChild("FunctionIdentifier")?.firstChild?.name ?? "";
      const signature = FUNCTIONS[name];
      if (!signature) {
        return fail(`function ${name} is not in the checker's signature table`);
      }
      const body = node.getChild("FunctionCallBody");
      const args = body ? expressionChildren(body).map((child) => operand(child)) : [];
      const min = signature.args.length - (signature.optional ?? 0);
      const max = signature.variadic ? Infinity : signature.args.length;
      if (args.length < min || args.length > max) {
        return fail(`wrong number of arguments (expected ${signature.args.join(", ") || "none"})`);
      }
      const last = signature.args[signature.args.length - 1];
      const mismatch = args.findIndex(
        (type, i) => type !== undefined && type !== (signature.args[i] ?? last),
      );
      if (mismatch >= 0) {
        return fail(
          `argument ${mismatch + 1} must be ${signature.args[mismatch] ?? last}, not ${args[mismatch]}`,
        );
      }
      return signature.returns;
    }
    default:
      return fail(`unexpected ${node.name}`);
  }
}

/** Replace Grafana's interval variables; other `$variables` may only appear inside label matcher strings. */
export function substituteGrafanaVariables(expr: string): string {
  return expr.replace(/\$__(rate_interval|interval|range)\b/g, (variable) => GRAFANA_INTERVALS[variable]);
}

export function parsePromQL(expr: string): ParsedQuery {
  const source = substituteGrafanaVariables(expr);
  const metrics: string[] = [];
  const errors: string[] = [];
  if (source.replace(/"(?:[^"\\]|\\.)*"/g, '""').includes("$")) {
    errors.push("a Grafana variable is used outside a label matcher string");
  }
  const tree = parser.parse(source);
  tree.iterate({
    enter(node) {
      const text = source.slice(node.from, node.to);
      if (node.type.isError) {
        errors.push(
          `syntax error at ${node.from}: '${source.slice(Math.max(0, node.from - 20), node.to + 20)}'`,
        );
      } else if (node.name === "VectorSelector") {
        const identifier = node.node.getChild("Identifier");
        if (identifier) {
          metrics.push(source.slice(identifier.from, identifier.to));
        }
      } else if (node.name === "LabelName" && text === "__name__") {
        errors.push("selects by __name__, which the metric-name check cannot follow");
      }
    },
  });
  let type: ValueType | undefined;
  if (errors.length === 0) {
    const top = expressionChildren(tree.topNode);
    if (top.length !== 1) {
      errors.push(`expected one expression, found ${top.length}`);
    } else {
      type = typeOf(top[0], source, errors);
    }
  }
  if (metrics.length === 0 && errors.length === 0 && type !== "scalar") {
    errors.push("selects no metric");
  }
  return { metrics, errors, ...(type ? { type } : {}) };
}

/** A Grafana `label_values(<selector>, <label>)` variable query: the selector is PromQL. */
export function parseLabelValuesQuery(query: string): ParsedQuery {
  const match = /^label_values\((.*),\s*([a-zA-Z_][a-zA-Z0-9_]*)\)$/s.exec(query);
  if (!match) {
    return { metrics: [], errors: [`not a label_values(<selector>, <label>) query: ${query}`] };
  }
  return parsePromQL(match[1]);
}
