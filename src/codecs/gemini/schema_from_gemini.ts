/**
 * Gemini `Schema` (OpenAPI 3.0 subset, ai.google.dev/api/caching#Schema) -> JSON Schema, so a
 * Gemini client's tool parameters and response schema read right to every other API.
 * `type` is lower-cased (Gemini also accepts `STRING`, `OBJECT`...), `nullable: true` becomes
 * `type: [X, "null"]`, int64 counts sent as strings (`"minItems": "2"`) become numbers, and the
 * Gemini-only `propertyOrdering` is dropped. Other keywords pass through unchanged.
 */
import { isObject, isString } from "../json_guards.ts";

type Schema = Record<string, unknown>;

const INTEGER_KEYWORDS = new Set(["minItems", "maxItems", "minLength", "maxLength"]);

export function fromGeminiSchema(schema: Schema): Schema {
  const out: Schema = {};
  for (const [key, value] of Object.entries(schema)) {
    if (key === "nullable" || key === "propertyOrdering") continue;
    if (key === "type" && isString(value)) out.type = value.toLowerCase();
    else if (key === "properties" && isObject(value)) out.properties = mapValues(value);
    else if (key === "items" && isObject(value)) out.items = fromGeminiSchema(value);
    else if ((key === "anyOf" || key === "oneOf") && Array.isArray(value)) {
      out[key] = value.map((member) => isObject(member) ? fromGeminiSchema(member) : member);
    } else if (INTEGER_KEYWORDS.has(key) && isString(value) && /^\d+$/.test(value)) {
      out[key] = Number(value);
    } else out[key] = value;
  }
  if (schema["nullable"] === true) {
    if (isString(out.type)) out.type = [out.type, "null"];
    else if (Array.isArray(out.anyOf)) out.anyOf = [...out.anyOf, { type: "null" }];
  }
  return out;
}

function mapValues(properties: Record<string, unknown>): Schema {
  const out: Schema = {};
  for (const [name, property] of Object.entries(properties)) {
    out[name] = isObject(property) ? fromGeminiSchema(property) : property;
  }
  return out;
}
