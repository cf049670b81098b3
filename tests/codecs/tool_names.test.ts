import assert from "node:assert/strict";
import { customToolInput, flatToolName } from "../../src/codecs/tool_names.ts";

Deno.test("a namespaced tool gets one flat name every provider accepts", () => {
  assert.equal(flatToolName(undefined, "exec_command"), "exec_command");
  assert.equal(flatToolName("multi_agent_v1", "close_agent"), "multi_agent_v1__close_agent");
  assert.equal(flatToolName("mcp__github__", "list_issues"), "mcp__github__list_issues");
  assert.equal(flatToolName("my.tools", "run"), "my_tools__run");
});

Deno.test("long flat names are cut to 64 characters and stay distinct", () => {
  const a = flatToolName("n".repeat(40), "a".repeat(40));
  const b = flatToolName("n".repeat(40), "a".repeat(39) + "b");
  assert.equal(a.length, 64);
  assert.match(a, /^[a-zA-Z0-9_-]+$/);
  assert.notEqual(a, b);
  assert.equal(flatToolName("n".repeat(40), "a".repeat(40)), a, "deterministic");
});

Deno.test("a custom tool's input is its input argument, or the raw text of a stray answer", () => {
  assert.equal(customToolInput('{"input":"*** Begin Patch"}'), "*** Begin Patch");
  assert.equal(customToolInput("*** Begin Patch"), "*** Begin Patch");
  assert.equal(customToolInput("{}"), "");
});
