// Real local servers that speak the providers' protocols, for the browser
// tests: an SMTP sink that keeps every message, and an HTTP server that
// answers like the Twilio Messages API and keeps every request.
import net from "node:net";
import http from "node:http";

/** Starts an SMTP server on `port`; returns the list it fills with { to, data }. */
export function smtpSink(port) {
  const messages = [];
  const server = net.createServer((socket) => {
    let buffer = "";
    let inData = false;
    let current = { to: [], data: "" };
    socket.write("220 sink ESMTP\r\n");
    socket.on("data", (chunk) => {
      buffer += chunk.toString("utf8");
      let index;
      while ((index = buffer.indexOf("\r\n")) >= 0) {
        const line = buffer.slice(0, index);
        buffer = buffer.slice(index + 2);
        if (inData) {
          if (line === ".") {
            inData = false;
            messages.push(current);
            current = { to: [], data: "" };
            socket.write("250 OK queued\r\n");
          } else {
            current.data += (line.startsWith("..") ? line.slice(1) : line) + "\r\n";
          }
          continue;
        }
        const verb = line.slice(0, 4).toUpperCase();
        if (verb === "EHLO") socket.write("250-sink\r\n250 8BITMIME\r\n");
        else if (verb === "HELO") socket.write("250 sink\r\n");
        else if (verb === "MAIL") socket.write("250 OK\r\n");
        else if (verb === "RCPT") {
          current.to.push(line.replace(/^RCPT TO:\s*<?([^>]*)>?.*$/i, "$1"));
          socket.write("250 OK\r\n");
        } else if (verb === "DATA") {
          inData = true;
          socket.write("354 go ahead\r\n");
        } else if (verb === "QUIT") {
          socket.end("221 bye\r\n");
        } else socket.write("250 OK\r\n");
      }
    });
  });
  server.listen(port, "127.0.0.1");
  /** Waits up to 15 s for a message to `address`. */
  async function waitFor(address) {
    for (let i = 0; i < 60; i++) {
      const found = messages.find((message) => message.to.includes(address));
      if (found) return found;
      await new Promise((resolve) => setTimeout(resolve, 250));
    }
    throw new Error(`no message reached ${address}`);
  }
  return { messages, waitFor, close: () => server.close() };
}

/** Starts a Twilio-compatible Messages API on `port`; returns the list of { to, body }. */
export function smsApi(port) {
  const messages = [];
  const server = http.createServer((request, response) => {
    let body = "";
    request.on("data", (chunk) => (body += chunk));
    request.on("end", () => {
      const form = new URLSearchParams(body);
      messages.push({ to: form.get("To"), body: form.get("Body"), auth: request.headers.authorization });
      response.writeHead(201, { "content-type": "application/json" });
      response.end(JSON.stringify({ sid: `SM${messages.length}`, status: "queued" }));
    });
  });
  server.listen(port, "127.0.0.1");
  return { messages, close: () => server.close() };
}

/** The text/plain part of a MIME message, decoded (quoted-printable or base64). */
export function plainText(data) {
  const parts = data.split(/\r\n(?=--)/);
  const part = parts.find((p) => /content-type:\s*text\/plain/i.test(p)) ?? data;
  const [headers, ...rest] = part.split("\r\n\r\n");
  const body = rest.join("\r\n\r\n");
  if (/content-transfer-encoding:\s*base64/i.test(headers)) {
    return Buffer.from(body.replace(/\s+/g, "").replace(/--.*$/, ""), "base64").toString("utf8");
  }
  if (/content-transfer-encoding:\s*quoted-printable/i.test(headers)) {
    const bytes = body.replace(/=\r\n/g, "").replace(/=([0-9A-F]{2})/gi, (_, hex) => String.fromCharCode(parseInt(hex, 16)));
    return Buffer.from(bytes, "latin1").toString("utf8");
  }
  return body;
}
