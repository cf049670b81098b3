import assert from "node:assert/strict";
import { toGeminiSchema } from "../../../src/codecs/gemini/schema_to_gemini.ts";
import { fromGeminiSchema } from "../../../src/codecs/gemini/schema_from_gemini.ts";

Deno.test("a nullable type array becomes one type with nullable: true", () => {
  assert.deepEqual(toGeminiSchema({ type: ["string", "null"], description: "d" }), {
    type: "string",
    description: "d",
    nullable: true,
  });
});

Deno.test("several non-null types become anyOf", () => {
  assert.deepEqual(toGeminiSchema({ type: ["string", "integer"] }), {
    anyOf: [{ type: "string" }, { type: "integer" }],
  });
});

Deno.test("keywords Gemini rejects are dropped, kept ones survive", () => {
  const converted = toGeminiSchema({
    $schema: "http://json-schema.org/draft-07/schema#",
    title: "Args",
    type: "object",
    additionalProperties: false,
    properties: {
      city: { type: "string", pattern: "^[A-Z]", minLength: 2, default: "Paris", examples: ["X"] },
      days: { type: "integer", minimum: 1, maximum: 14, format: "int32" },
      tags: { type: "array", items: { type: "string" }, minItems: 1, maxItems: 3 },
    },
    required: ["city", "ghost"],
    propertyOrdering: ["days", "city"],
  });
  assert.deepEqual(converted, {
    type: "object",
    properties: {
      city: { type: "string" },
      days: { type: "integer", minimum: 1, maximum: 14, format: "int32" },
      tags: { type: "array", items: { type: "string" }, minItems: 1, maxItems: 3 },
    },
    required: ["city"],
    propertyOrdering: ["days", "city"],
  });
});

Deno.test("string formats Gemini does not document are dropped", () => {
  assert.deepEqual(toGeminiSchema({ type: "string", format: "email" }), { type: "string" });
  assert.deepEqual(toGeminiSchema({ type: "string", format: "date-time" }), {
    type: "string",
    format: "date-time",
  });
});

Deno.test("a string const becomes a one-value enum; a numeric const is dropped", () => {
  assert.deepEqual(toGeminiSchema({ type: "string", const: "on" }), {
    type: "string",
    enum: ["on"],
  });
  assert.deepEqual(toGeminiSchema({ type: "number", const: 3 }), { type: "number" });
});

Deno.test("enum with null marks the field nullable; numeric enums are dropped", () => {
  assert.deepEqual(toGeminiSchema({ type: "string", enum: ["a", "b", null] }), {
    type: "string",
    enum: ["a", "b"],
    nullable: true,
  });
  assert.deepEqual(toGeminiSchema({ type: "integer", enum: [1, 2] }), { type: "integer" });
});

Deno.test("local $refs to $defs and definitions are inlined, sibling description wins", () => {
  const converted = toGeminiSchema({
    type: "object",
    properties: {
      home: { $ref: "#/$defs/Address", description: "where they live" },
      work: { $ref: "#/definitions/Address" },
    },
    $defs: { Address: { type: "object", properties: { street: { type: "string" } } } },
    definitions: {
      Address: {
        type: "object",
        description: "an address",
        properties: { zip: { type: "string" } },
      },
    },
  });
  assert.deepEqual(converted, {
    type: "object",
    properties: {
      home: {
        type: "object",
        description: "where they live",
        properties: { street: { type: "string" } },
      },
      work: { type: "object", description: "an address", properties: { zip: { type: "string" } } },
    },
  });
});

Deno.test("a recursive $ref stops at an open object instead of looping", () => {
  const converted = toGeminiSchema({
    $defs: {
      Node: {
        type: "object",
        properties: { name: { type: "string" }, child: { $ref: "#/$defs/Node" } },
      },
    },
    $ref: "#/$defs/Node",
  });
  assert.deepEqual(converted, {
    type: "object",
    properties: { name: { type: "string" }, child: { type: "object" } },
  });
});

Deno.test("anyOf with a null member collapses to the other member, nullable", () => {
  assert.deepEqual(
    toGeminiSchema({ anyOf: [{ type: "integer" }, { type: "null" }], description: "n" }),
    { type: "integer", description: "n", nullable: true },
  );
  assert.deepEqual(toGeminiSchema({ oneOf: [{ type: "integer" }, { type: "string" }] }), {
    anyOf: [{ type: "integer" }, { type: "string" }],
  });
});

Deno.test("an object without properties keeps only type object", () => {
  assert.deepEqual(
    toGeminiSchema({ type: "object", properties: {}, required: [], additionalProperties: true }),
    { type: "object" },
  );
});

Deno.test("a single-member allOf is inlined", () => {
  assert.deepEqual(
    toGeminiSchema({
      properties: { unit: { allOf: [{ $ref: "#/$defs/Unit" }], description: "unit" } },
      $defs: { Unit: { type: "string", enum: ["c", "f"] } },
    }),
    {
      type: "object",
      properties: { unit: { type: "string", enum: ["c", "f"], description: "unit" } },
    },
  );
});

Deno.test("a Gemini schema reads back as JSON Schema: lower-case types, nullable as a type", () => {
  assert.deepEqual(
    fromGeminiSchema({
      type: "OBJECT",
      properties: {
        name: { type: "STRING", nullable: true },
        tags: { type: "ARRAY", items: { type: "STRING" }, minItems: "1" },
      },
      required: ["name"],
      propertyOrdering: ["name", "tags"],
    }),
    {
      type: "object",
      properties: {
        name: { type: ["string", "null"] },
        tags: { type: "array", items: { type: "string" }, minItems: 1 },
      },
      required: ["name"],
    },
  );
});
