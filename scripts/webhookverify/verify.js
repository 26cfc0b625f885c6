#!/usr/bin/env node
// Verifies an InstantTranscriber webhook with the reference Standard
// Webhooks library (the "standardwebhooks" npm package), so that
// go test ./webhook/ checks our signatures against an implementation we did
// not write. Install it with `make webhook-verifier`
// (npm ci --prefix scripts/webhookverify).
//
// Input, one JSON object on stdin:
//
//   {"secret": "...", "headers": {"webhook-id": "...", ...}, "body": "...",
//    "now": 1700000000}
//
// body is the raw request body as a string; now (optional, Unix seconds)
// stands in for the current time, so that fixed test vectors pass the
// library's 5-minute timestamp check. Exit status: 0 when
// new Webhook(secret).verify(body, headers) accepts it, 1 when it is
// rejected, 2 on bad input.
"use strict";

const { Webhook } = require("standardwebhooks");

// standardwebhooks only takes secrets in the "whsec_" + base64 form (its
// "raw" option maps characters to bytes as Latin-1, not UTF-8). The server
// signs with a plain secret's UTF-8 bytes as the key, which is the key of
// "whsec_" + base64(those bytes): convert plain secrets that way.
function standardSecret(secret) {
  if (secret.startsWith("whsec_")) {
    return secret;
  }
  return "whsec_" + Buffer.from(secret, "utf8").toString("base64");
}

function main(input) {
  let msg;
  try {
    msg = JSON.parse(input);
  } catch (err) {
    console.error("verify.js: stdin is not JSON:", err.message);
    return 2;
  }
  if (typeof msg.secret !== "string" || typeof msg.body !== "string" || typeof msg.headers !== "object" || msg.headers === null) {
    console.error("verify.js: want {secret: string, headers: object, body: string}");
    return 2;
  }
  if (typeof msg.now === "number") {
    Date.now = () => msg.now * 1000;
  }
  try {
    new Webhook(standardSecret(msg.secret)).verify(msg.body, msg.headers, { jsonParse: false });
  } catch (err) {
    console.error("verify.js: rejected:", err.message);
    return 1;
  }
  return 0;
}

let input = "";
process.stdin.setEncoding("utf8");
process.stdin.on("data", (chunk) => (input += chunk));
process.stdin.on("end", () => process.exit(main(input)));
