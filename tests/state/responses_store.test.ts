import assert from "node:assert/strict";
import { MemoryResponsesStore, type StoredResponse } from "../../src/state/responses_store.ts";

function kept(id: string, owner = "k", text = "x"): StoredResponse {
  return {
    id,
    owner,
    provider: "p",
    model: "m",
    here: {
      input: [{ type: "message", id: `in_${id}`, role: "user", content: text }],
      response: { id, output: [{ type: "message", id: `out_${id}`, content: [] }] },
    },
  };
}

Deno.test("a kept response expires after its time to live, with its items", () => {
  let now = 1_000;
  const store = new MemoryResponsesStore(
    { ttlMs: 100, maxResponses: 10, maxBytes: 1_000_000 },
    () => now,
  );
  store.put(kept("r1"));
  assert.equal(store.get("r1", "k")?.id, "r1");
  assert.deepEqual(store.item("out_r1", "k")?.id, "out_r1");
  now += 101;
  assert.equal(store.get("r1", "k"), undefined);
  assert.equal(store.item("out_r1", "k"), undefined);
});

Deno.test("the oldest responses go first when the count or byte cap is reached", () => {
  const byCount = new MemoryResponsesStore({ ttlMs: 1e9, maxResponses: 2, maxBytes: 1e9 });
  for (const id of ["r1", "r2", "r3"]) byCount.put(kept(id));
  assert.equal(byCount.get("r1", "k"), undefined);
  assert.ok(byCount.get("r2", "k") && byCount.get("r3", "k"));
  assert.equal(byCount.size, 2);

  const oneSize = JSON.stringify(kept("r1").here).length;
  const byBytes = new MemoryResponsesStore({
    ttlMs: 1e9,
    maxResponses: 100,
    maxBytes: oneSize * 2 + 10,
  });
  for (const id of ["r1", "r2", "r3"]) byBytes.put(kept(id));
  assert.equal(byBytes.get("r1", "k"), undefined);
  assert.equal(byBytes.size, 2);
  byBytes.put(kept("huge", "k", "y".repeat(oneSize * 3)));
  assert.equal(byBytes.get("huge", "k"), undefined, "larger than the whole cap: not kept");
});

Deno.test("a response is seen, referenced and deleted only by the key that made it", () => {
  const store = new MemoryResponsesStore();
  store.put(kept("r1", "alice"));
  assert.equal(store.get("r1", "bob"), undefined);
  assert.equal(store.item("in_r1", "bob"), undefined);
  assert.equal(store.delete("r1", "bob"), false);
  assert.equal(store.delete("r1", "alice"), true);
  assert.equal(store.get("r1", "alice"), undefined);
});
