/** Gemini's `models.list` and `models.get` (ai.google.dev/api/models): `{ models: [Model] }`. */
import type { ListedModel, ModelListFormat } from "../codec.ts";

const GENERATION_METHODS = ["generateContent", "streamGenerateContent", "countTokens"];
const EMBEDDING_METHODS = ["embedContent", "batchEmbedContents"];

function modelObject(model: ListedModel): Record<string, unknown> {
  return {
    name: `models/${model.id}`,
    displayName: model.id,
    supportedGenerationMethods: model.embedding ? EMBEDDING_METHODS : GENERATION_METHODS,
  };
}

export const GEMINI_MODEL_LIST: ModelListFormat = {
  listPaths: ["/v1beta/models"],
  list: (models) => ({ models: models.map(modelObject) }),
  one: modelObject,
};
