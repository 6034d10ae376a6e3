/**
 * A conditional element's condition: a MongoDB-style query over one request (reference §5: "Conditions
 * can reference the request body, headers and metadata, e.g. metadata.plan"; Cloudflare documents no
 * grammar beyond `$eq`, so this is MongoDB's, kept to what a route needs).
 *
 * Fields:
 * - `metadata.<key>`: the request's `cf-aig-metadata` entry `<key>` (the whole rest, dots included:
 *   metadata is flat);
 * - `headers.<name>`: a request header, by name, case-insensitively;
 * - anything else: a dotted path into the JSON body, numbers indexing arrays (`model`, `max_tokens`,
 *   `messages.0.role`). The prefixes win: a body's own `metadata` object (OpenAI's) is not reachable.
 *
 * Condition: an object whose keys are fields (ANDed) or the logical operators `$and: [condition…]`,
 * `$or: [condition…]`, `$not: condition`. A field's value is either a bare value (meaning `$eq`) or an
 * object of operators, all of which must hold: `$eq`, `$ne`, `$in: [...]`, `$nin: [...]`, `$gt`, `$gte`,
 * `$lt`, `$lte` (numbers with numbers, strings with strings; any other pairing is false, as in MongoDB),
 * `$exists: boolean` and `$not: {operators}`. Equality is deep JSON equality; `$eq: null` also matches
 * an absent field, as in MongoDB. Arrays are compared whole (no MongoDB element matching).
 * The empty condition `{}` matches every request.
 */
import { isJsonObject, type JsonObject } from "@/lib/formats/json";
import type { MetadataValue } from "@/lib/gateway/options";
import type { RouteCondition } from "./types";

/** What a condition (and a rate element's key) reads of a request. */
export interface ConditionInput {
  body: JsonObject;
  header(name: string): string | undefined;
  metadata: Record<string, MetadataValue> | undefined;
}

/** Deeper nesting is refused: a condition is walked recursively on every request. */
export const MAX_CONDITION_DEPTH = 16;

const COMPARISONS = ["$eq", "$ne", "$in", "$nin", "$gt", "$gte", "$lt", "$lte", "$exists", "$not"] as const;
const LOGICAL = ["$and", "$or", "$not"] as const;

/** A problem in a condition, `at` the path inside it (`$or.1.metadata.plan.$in`; empty for the whole). */
export interface ConditionProblem {
  at: string;
  message: string;
}

/** The value `field` names in the request; undefined when absent. */
export function readField(field: string, input: ConditionInput): unknown {
  if (field.startsWith("metadata.")) return input.metadata?.[field.slice("metadata.".length)];
  if (field.startsWith("headers.")) return input.header(field.slice("headers.".length));
  let value: unknown = input.body;
  for (const segment of field.split(".")) {
    if (Array.isArray(value) && /^\d+$/.test(segment)) value = value[Number(segment)];
    else if (isJsonObject(value) && Object.hasOwn(value, segment)) value = value[segment];
    else return undefined;
  }
  return value;
}

/** Why `field` cannot name a request value, or undefined when it can. */
export function fieldProblem(field: string): string | undefined {
  if (field === "") return "a field must not be empty";
  if (field === "metadata." || field === "headers.") return `"${field}" needs a name after the dot`;
  if (field.startsWith("$")) return `"${field}" is not an operator here; use $and, $or, $not or a field name`;
  if (!field.startsWith("metadata.") && !field.startsWith("headers.") && field.split(".").some((segment) => segment === "")) {
    return `"${field}" has an empty segment between dots`;
  }
  return undefined;
}

export function validateCondition(condition: unknown): ConditionProblem[] {
  const problems: ConditionProblem[] = [];
  checkCondition(condition, "", 0, problems);
  return problems;
}

const join = (at: string, key: string | number): string => (at === "" ? String(key) : `${at}.${key}`);

function checkCondition(condition: unknown, at: string, depth: number, problems: ConditionProblem[]): void {
  if (depth > MAX_CONDITION_DEPTH) {
    problems.push({ at, message: `is nested more than ${MAX_CONDITION_DEPTH} levels deep` });
    return;
  }
  if (!isJsonObject(condition)) {
    problems.push({ at, message: 'must be an object like { "metadata.plan": "free" }' });
    return;
  }
  for (const [key, value] of Object.entries(condition)) {
    const here = join(at, key);
    if (key === "$and" || key === "$or") {
      if (!Array.isArray(value) || value.length === 0) {
        problems.push({ at: here, message: `${key} takes a non-empty array of conditions` });
        continue;
      }
      value.forEach((item, index) => checkCondition(item, join(here, index), depth + 1, problems));
    } else if (key === "$not") {
      checkCondition(value, here, depth + 1, problems);
    } else if (key.startsWith("$")) {
      problems.push({ at: here, message: `unknown operator ${key}; at the top of a condition use ${LOGICAL.join(", ")} or a field` });
    } else {
      const problem = fieldProblem(key);
      if (problem) problems.push({ at: here, message: problem });
      else checkFieldExpression(value, here, depth + 1, problems);
    }
  }
}

function isOperatorObject(value: unknown): value is JsonObject {
  return isJsonObject(value) && Object.keys(value).some((key) => key.startsWith("$"));
}

function checkFieldExpression(expression: unknown, at: string, depth: number, problems: ConditionProblem[]): void {
  if (!isOperatorObject(expression)) return;
  if (depth > MAX_CONDITION_DEPTH) {
    problems.push({ at, message: `is nested more than ${MAX_CONDITION_DEPTH} levels deep` });
    return;
  }
  for (const [operator, operand] of Object.entries(expression)) {
    const here = join(at, operator);
    switch (operator) {
      case "$in":
      case "$nin":
        if (!Array.isArray(operand)) problems.push({ at: here, message: `${operator} takes an array of values` });
        break;
      case "$gt":
      case "$gte":
      case "$lt":
      case "$lte":
        if (typeof operand !== "number" && typeof operand !== "string") {
          problems.push({ at: here, message: `${operator} takes a number or a string` });
        }
        break;
      case "$exists":
        if (typeof operand !== "boolean") problems.push({ at: here, message: "$exists takes true or false" });
        break;
      case "$not":
        if (!isOperatorObject(operand)) problems.push({ at: here, message: 'a field\'s $not takes operators, like { "$not": { "$eq": "free" } }' });
        else checkFieldExpression(operand, here, depth + 1, problems);
        break;
      case "$eq":
      case "$ne":
        break;
      default:
        problems.push({
          at: here,
          message: operator.startsWith("$")
            ? `unknown operator ${operator}; use ${COMPARISONS.join(", ")}`
            : `"${operator}" mixed with operators; an object of operators takes only $-keys`,
        });
    }
  }
}

/** Whether `input` matches `condition`, and the values it read, for people: `metadata.plan = "free"`. */
export function evaluateCondition(condition: RouteCondition, input: ConditionInput): { matched: boolean; detail: string } {
  const evaluation: Evaluation = { input, read: new Map(), invalid: false };
  const matched = matches(condition, evaluation, 0);
  if (evaluation.invalid) return { matched: false, detail: "the condition is invalid" };
  const detail = [...evaluation.read].map(([field, value]) => (value === undefined ? `${field} absent` : `${field} = ${shown(value)}`)).join(", ");
  return { matched, detail: detail === "" ? "no fields" : detail };
}

/**
 * An invalid part anywhere (validation keeps them out of deployed routes) makes the whole condition
 * false, never a throw; false for the part alone would turn true under a `$not`.
 */
interface Evaluation {
  input: ConditionInput;
  read: Map<string, unknown>;
  invalid: boolean;
}

const SHOWN_MAX = 60;

function shown(value: unknown): string {
  const text = JSON.stringify(value);
  return text.length > SHOWN_MAX ? `${text.slice(0, SHOWN_MAX - 1)}…` : text;
}

// Every part is evaluated, without short cuts: whether a condition is invalid, and the values its
// detail shows, must not depend on which branch of an $or happened to match first.
function matches(condition: unknown, evaluation: Evaluation, depth: number): boolean {
  if (!isJsonObject(condition) || depth > MAX_CONDITION_DEPTH) return invalid(evaluation);
  const holds = Object.entries(condition).map(([key, value]) => {
    if (key === "$and" || key === "$or") {
      if (!Array.isArray(value) || value.length === 0) return invalid(evaluation);
      const parts = value.map((item) => matches(item, evaluation, depth + 1));
      return key === "$and" ? parts.every(Boolean) : parts.some(Boolean);
    }
    if (key === "$not") return !matches(value, evaluation, depth + 1);
    if (key.startsWith("$") || fieldProblem(key)) return invalid(evaluation);
    const actual = readField(key, evaluation.input);
    evaluation.read.set(key, actual);
    return fieldMatches(actual, value, evaluation, depth + 1);
  });
  return holds.every(Boolean);
}

function invalid(evaluation: Evaluation): false {
  evaluation.invalid = true;
  return false;
}

function fieldMatches(actual: unknown, expression: unknown, evaluation: Evaluation, depth: number): boolean {
  if (!isOperatorObject(expression)) return equal(actual, expression);
  if (depth > MAX_CONDITION_DEPTH) return invalid(evaluation);
  const holds = Object.entries(expression).map(([operator, operand]) => {
    switch (operator) {
      case "$eq":
        return equal(actual, operand);
      case "$ne":
        return !equal(actual, operand);
      case "$in":
      case "$nin":
        if (!Array.isArray(operand)) return invalid(evaluation);
        return operand.some((item) => equal(actual, item)) === (operator === "$in");
      case "$gt":
      case "$gte":
      case "$lt":
      case "$lte":
        if (typeof operand !== "number" && typeof operand !== "string") return invalid(evaluation);
        return compare(actual, operand, ORDERS[operator]);
      case "$exists":
        if (typeof operand !== "boolean") return invalid(evaluation);
        return (actual !== undefined) === operand;
      case "$not":
        if (!isOperatorObject(operand)) return invalid(evaluation);
        return !fieldMatches(actual, operand, evaluation, depth + 1);
      default:
        return invalid(evaluation);
    }
  });
  return holds.every(Boolean);
}

const ORDERS = {
  $gt: (order: number) => order > 0,
  $gte: (order: number) => order >= 0,
  $lt: (order: number) => order < 0,
  $lte: (order: number) => order <= 0,
};

function compare(actual: unknown, operand: unknown, holds: (order: number) => boolean): boolean {
  if (typeof actual === "number" && typeof operand === "number") return holds(actual - operand);
  if (typeof actual === "string" && typeof operand === "string") return holds(actual < operand ? -1 : actual > operand ? 1 : 0);
  return false;
}

function equal(a: unknown, b: unknown): boolean {
  if (b === null && a === undefined) return true;
  if (a === b) return true;
  if (Array.isArray(a) && Array.isArray(b)) return a.length === b.length && a.every((item, index) => equal(item, b[index]));
  if (isJsonObject(a) && isJsonObject(b)) {
    const keys = Object.keys(a);
    return keys.length === Object.keys(b).length && keys.every((key) => Object.hasOwn(b, key) && equal(a[key], b[key]));
  }
  return false;
}
