/** `GET /v1/models` lists only what a request could reach. */
import assert from "node:assert/strict";
import { OPENAI_MODEL_LIST } from "../../src/codecs/model_list.ts";
import { listModels } from "../../src/http/models.ts";
import { testConfig } from "../support/config.ts";

Deno.test("disabled providers and aliases without an enabled target are not listed", () => {
  const config = testConfig(
    {
      on: { api: "chat", baseUrl: "http://127.0.0.1:9/v1", models: ["gpt-4o"] },
      off: { api: "chat", baseUrl: "http://127.0.0.1:9/v1", models: ["gpt-4o"], enabled: false },
    },
    {
      live: {
        targets: [{ provider: "off", model: "gpt-4o" }, { provider: "on", model: "gpt-4o" }],
      },
      dead: { targets: [{ provider: "off", model: "gpt-4o" }] },
    },
  );
  const list = listModels(config, OPENAI_MODEL_LIST) as { data: Array<{ id: string }> };
  assert.deepEqual(list.data.map((m) => m.id), ["live", "on/gpt-4o"]);
});
