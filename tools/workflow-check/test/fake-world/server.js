"use strict";
// The fake tools as a local server: fake-bin/world-client.sh (sourced by the
// fake-bin wrappers when FAKE_WORLD_PORT is set) sends one call over TCP and
// gets its exit code, output and errors back, so that a scenario's hundreds
// of calls do not each start a Node process. Same dispatch as fake-tool.js.
//
// Request:  cwd NUL tool NUL argc NUL arg... NUL stdin-length NUL stdin
// Response: exit-code LF stdout-length LF stdout stderr
const net = require("node:net");
const { dispatch } = require("./dispatch");

function parseRequest(buf) {
  const fields = [];
  let i = 0;
  const next = () => {
    const j = buf.indexOf(0, i);
    if (j < 0) return null;
    const s = buf.subarray(i, j).toString("utf8");
    i = j + 1;
    return s;
  };
  const cwd = next();
  const tool = next();
  const argc = next();
  if (argc === null) return null;
  for (let k = 0; k < Number(argc); k++) {
    const a = next();
    if (a === null) return null;
    fields.push(a);
  }
  const len = next();
  if (len === null || buf.length - i < Number(len)) return null;
  return { cwd, tool, args: fields, stdin: buf.subarray(i, i + Number(len)).toString("utf8") };
}

function startWorldServer(dir) {
  const server = net.createServer((socket) => {
    let buf = Buffer.alloc(0);
    socket.on("data", (d) => {
      buf = Buffer.concat([buf, d]);
      const req = parseRequest(buf);
      if (!req) return;
      let r;
      try {
        r = dispatch(dir, req.tool, req.args, { cwd: req.cwd, stdin: req.stdin });
      } catch (e) {
        r = { stdout: "", stderr: `fake ${req.tool}: internal error: ${e.stack}\n`, exit: 98 };
      }
      const out = Buffer.from(r.stdout, "utf8");
      socket.end(Buffer.concat([Buffer.from(`${r.exit}\n${out.length}\n`), out, Buffer.from(r.stderr, "utf8")]));
    });
    socket.on("error", () => {});
  });
  return new Promise((resolve) => {
    server.listen(0, "127.0.0.1", () => resolve({ port: server.address().port, close: () => new Promise((r) => server.close(r)) }));
  });
}

module.exports = { startWorldServer };
