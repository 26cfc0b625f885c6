// A complete InstantTranscriber webhook receiver in Node, with the reference
// Standard Webhooks library. Run it as written:
//
//   npm install standardwebhooks
//   CALLBACK_SECRET=whsec_... PORT=8000 node receiver.mjs
//
// and create jobs with callback_url=http://this-host:8000/hook and the same
// callback_secret. Each verified event is printed as one JSON line.
import http from "node:http";
import { Webhook } from "standardwebhooks";

// standardwebhooks takes secrets in the whsec_ form (what they generate).
// For a plain secret, use "whsec_" + base64 of its UTF-8 bytes.
const secret = process.env.CALLBACK_SECRET ?? "";
const wh = new Webhook(
  secret.startsWith("whsec_") ? secret : "whsec_" + Buffer.from(secret, "utf8").toString("base64"),
);
const seen = new Set(); // webhook-id values already handled (keep them in a database)

const server = http.createServer((req, res) => {
  if (req.method !== "POST" || req.url !== "/hook") {
    res.writeHead(404).end();
    return;
  }
  const chunks = [];
  req.on("data", (c) => chunks.push(c));
  req.on("end", () => {
    const body = Buffer.concat(chunks).toString("utf8");
    let event;
    try {
      // Verify the raw body; this also rejects timestamps older than 5 min.
      event = wh.verify(body, req.headers);
    } catch {
      res.writeHead(400).end();
      return;
    }
    const id = req.headers["webhook-id"];
    if (!seen.has(id)) {
      seen.add(id);
      console.log(JSON.stringify({ webhook_id: id, id: event.id, status: event.status }));
    }
    res.writeHead(204).end(); // answer quickly; do slow work after
  });
});

server.listen(Number(process.env.PORT ?? 8000), "127.0.0.1", () => {
  console.error(`listening on ${server.address().port}`);
});
