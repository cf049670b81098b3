/**
 * JSON Schema -> the OpenAPI 3.0 subset Gemini accepts in `functionDeclarations[].parameters` and
 * `generationConfig.responseSchema` (ai.google.dev/api/caching#Schema).
 *
 * Kept: `type`, `description`, `nullable`, `enum` (string values), `properties`, `required`
 * (only names that are properties), `items`, `minItems`, `maxItems`, `minimum`, `maximum`,
 * `anyOf`, `propertyOrdering`, and `format` where Gemini documents it (string: `date-time`,
 * `enum`; number: `float`, `double`; integer: `int32`, `int64`): other formats (`email`,
 * `uri`...) are rejected by the Gemini API, so they are dropped.
 * Rewritten: `type: [X, "null"]` -> `type: X, nullable: true`; several types -> `anyOf`;
 * `{type: "null"}` members of `anyOf`/`oneOf` -> `nullable: true`; `oneOf` -> `anyOf`; a string
 * `const` -> one-value `enum`; local `$ref`s (`#/$defs/...`, `#/definitions/...`, any `#/...` pointer)
 * are inlined, and a recursive one becomes a bare `{type: "object"}`; `allOf` with one member is
 * inlined.
 * Dropped: `$schema`, `$id`, `$defs`, `definitions`, `additionalProperties`, `default`,
 * `examples`, `title`, `pattern`, `minLength`, `maxLength`, `exclusiveMinimum`,
 * `exclusiveMaximum`, `multipleOf`, `uniqueItems`, `not`, `if`/`then`/`else`, `allOf` with several
 * members, non-string `const` and `enum`s with non-string values, and anything else unknown.
 * An object without properties keeps `type: "object"` (and its description/nullable) only,
 * because Gemini rejects an empty `properties` map.
 */
import { isObject, isString, isStringArray } from "../json_guards.ts";

type Schema = Record<string, unknown>;

const KEPT_FORMATS: Record<string, readonly string[]> = {
  string: ["date-time", "enum"],
  number: ["float", "double"],
  integer: ["int32", "int64"],
};

const NUMERIC_KEYWORDS = ["minItems", "maxItems", "minimum", "maximum"] as const;

/** Converts a whole JSON Schema document; `$ref`s resolve against this root. */
export function toGeminiSchema(schema: Schema): Schema {
  return convert(schema, { root: schema, expanding: [] });
}

interface Context {
  root: Schema;
  /** `$ref`s being inlined on the current path, to cut recursion. */
  expanding: string[];
}

function convert(schema: Schema, ctx: Context): Schema {
  const ref = schema["$ref"];
  if (isString(ref)) return convertRef(ref, schema, ctx);

  const allOf = schema["allOf"];
  if (Array.isArray(allOf) && allOf.length === 1 && isObject(allOf[0])) {
    const { allOf: _dropped, ...rest } = schema;
    return convert({ ...allOf[0], ...rest }, ctx);
  }

  const out: Schema = {};
  if (isString(schema["description"])) out.description = schema["description"];
  if (schema["nullable"] === true) out.nullable = true;

  const alternatives = schema["anyOf"] ?? schema["oneOf"];
  if (Array.isArray(alternatives)) {
    return convertAlternatives(alternatives, out, ctx);
  }

  const types = typeList(schema["type"]);
  if (types.includes("null")) out.nullable = true;
  const nonNull = types.filter((type) => type !== "null");
  if (nonNull.length > 1) {
    out.anyOf = nonNull.map((type) => convert({ ...schema, type, description: undefined }, ctx));
    return out;
  }
  const type = nonNull[0];
  if (type !== undefined) out.type = type;

  copyFormat(schema, type, out);
  copyEnum(schema, out);
  for (const key of NUMERIC_KEYWORDS) {
    const value = schema[key];
    if (typeof value === "number" && Number.isFinite(value)) out[key] = value;
  }

  if (type === "array" && isObject(schema["items"])) {
    out.items = convert(schema["items"], ctx);
  }
  if (type === "object" || (type === undefined && isObject(schema["properties"]))) {
    convertObject(schema, out, ctx);
  }
  return out;
}

function convertRef(ref: string, schema: Schema, ctx: Context): Schema {
  const target = ctx.expanding.includes(ref) ? undefined : resolvePointer(ctx.root, ref);
  const { $ref: _ref, ...siblings } = schema;
  if (target === undefined) {
    // Recursive or unresolvable: Gemini has no references, so the shape stays open.
    const out: Schema = { type: "object" };
    if (isString(schema["description"])) out.description = schema["description"];
    return out;
  }
  return convert({ ...target, ...siblings }, { ...ctx, expanding: [...ctx.expanding, ref] });
}

/** JSON Pointer inside the same document (RFC 6901), e.g. `#/$defs/Address`. */
function resolvePointer(root: Schema, ref: string): Schema | undefined {
  if (ref === "#") return root;
  if (!ref.startsWith("#/")) return undefined;
  let node: unknown = root;
  for (const raw of ref.slice(2).split("/")) {
    const key = decodeURIComponent(raw).replaceAll("~1", "/").replaceAll("~0", "~");
    if (!isObject(node)) return undefined;
    node = node[key];
  }
  return isObject(node) ? node : undefined;
}

function convertAlternatives(alternatives: unknown[], out: Schema, ctx: Context): Schema {
  const members: Schema[] = [];
  for (const member of alternatives) {
    if (!isObject(member)) continue;
    if (member["type"] === "null") {
      out.nullable = true;
      continue;
    }
    members.push(convert(member, ctx));
  }
  // A lone alternative (the usual `anyOf: [X, {type: "null"}]`) needs no `anyOf` at all.
  if (members.length === 1) return { ...members[0], ...out };
  if (members.length > 1) out.anyOf = members;
  return out;
}

function typeList(type: unknown): string[] {
  if (isString(type)) return [type];
  if (isStringArray(type)) return type;
  return [];
}

function copyFormat(schema: Schema, type: string | undefined, out: Schema): void {
  const format = schema["format"];
  if (!isString(format) || type === undefined) return;
  if (KEPT_FORMATS[type]?.includes(format)) out.format = format;
}

function copyEnum(schema: Schema, out: Schema): void {
  const values = schema["enum"];
  if (Array.isArray(values)) {
    if (values.includes(null)) out.nullable = true;
    const present = values.filter((value) => value !== null);
    if (present.length > 0 && present.every(isString)) out.enum = present;
    return;
  }
  const constant = schema["const"];
  if (isString(constant)) out.enum = [constant];
}

function convertObject(schema: Schema, out: Schema, ctx: Context): void {
  out.type = "object";
  const properties = schema["properties"];
  if (!isObject(properties)) return;
  const converted: Schema = {};
  for (const [name, property] of Object.entries(properties)) {
    if (isObject(property)) converted[name] = convert(property, ctx);
  }
  const names = Object.keys(converted);
  if (names.length === 0) return;
  out.properties = converted;
  const required = schema["required"];
  if (isStringArray(required)) {
    const present = required.filter((name) => names.includes(name));
    if (present.length > 0) out.required = present;
  }
  const ordering = schema["propertyOrdering"];
  if (isStringArray(ordering)) out.propertyOrdering = ordering.filter((n) => names.includes(n));
}
