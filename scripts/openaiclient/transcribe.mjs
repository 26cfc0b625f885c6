// Transcribes one audio file through InstantTranscriber's OpenAI-compatible
// API with the official openai package, as a real client would, and prints
// the results as one JSON object on stdout. go test ./server/ runs it
// (TestOpenAIClient) and checks the output.
//
//   OPENAI_BASE_URL=http://127.0.0.1:8080/v1 OPENAI_API_KEY=itk_... \
//     node transcribe.mjs path/to/audio.wav
//
// Output: {"models": [ids], "json": {...}, "verbose": {...}, "srt": "...",
// "error": {status, type, code, param}} where "error" is what the SDK
// raised for an unknown model.
import { File } from "node:buffer";
import fs from "node:fs";
import OpenAI from "openai";

// Node 18 (Debian's nodejs) has File only in node:buffer; the SDK's uploads
// need it as a global, which Node 20 provides.
globalThis.File ??= File;

const file = process.argv[2];
if (!file || !process.env.OPENAI_BASE_URL || !process.env.OPENAI_API_KEY) {
  console.error("usage: OPENAI_BASE_URL=... OPENAI_API_KEY=... node transcribe.mjs AUDIO");
  process.exit(2);
}

const client = new OpenAI({
  baseURL: process.env.OPENAI_BASE_URL,
  apiKey: process.env.OPENAI_API_KEY,
  maxRetries: 0,
  timeout: 120_000,
});

const out = {};
const models = await client.models.list();
out.models = models.data.map((m) => m.id);

out.json = await client.audio.transcriptions.create({
  file: fs.createReadStream(file),
  model: "whisper-1",
  language: "en",
  response_format: "json",
});

out.verbose = await client.audio.transcriptions.create({
  file: fs.createReadStream(file),
  model: "whisper-1",
  language: "en",
  response_format: "verbose_json",
  timestamp_granularities: ["word", "segment"],
});

out.srt = await client.audio.transcriptions.create({
  file: fs.createReadStream(file),
  model: out.models[0],
  response_format: "srt",
});

try {
  await client.audio.transcriptions.create({
    file: fs.createReadStream(file),
    model: "no-such-model",
  });
  out.error = null;
} catch (err) {
  if (!(err instanceof OpenAI.APIError)) throw err;
  out.error = { status: err.status, type: err.type, code: err.code, param: err.param };
}

process.stdout.write(JSON.stringify(out) + "\n");
