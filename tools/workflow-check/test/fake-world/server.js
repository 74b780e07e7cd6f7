"use strict";
// The fake tools as a local server: fake-bin/server-client.sh (sourced by the
// fake-bin wrappers when FAKE_SERVER_PORT is set) sends one call over TCP and
// gets its exit code, output and errors back, so that a script's calls (a
// scenario makes hundreds) do not each start a Node process. The same fakes
// as fake-tool.js: the world of FAKE_DIR (dispatch.js) or, without one, its
// rules (rules.js).
//
// Request:  cwd NUL tool NUL argc NUL arg... NUL stdin-length NUL stdin [NUL]
// Response: exit-code LF stdout-length LF stderr-length LF stdout stderr
// (lengths in bytes)
const net = require("node:net");
const { dispatch, isWorld } = require("./dispatch");
const { answerFromRules } = require("./rules");

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

// startFakeServer(dir, { buildDigest }): listens on a free loopback port;
// resolves to { port, close }. buildDigest: what rules mode's docker buildx
// build writes to its --metadata-file (fake-tool.js: $FAKE_BUILD_DIGEST).
function startFakeServer(dir, { buildDigest } = {}) {
  const server = net.createServer((socket) => {
    let buf = Buffer.alloc(0);
    let answered = false;
    socket.on("data", (d) => {
      if (answered) return; // one call per connection (a trailing NUL may come late)
      buf = Buffer.concat([buf, d]);
      const req = parseRequest(buf);
      if (!req) return;
      answered = true;
      let r;
      try {
        r = isWorld(dir)
          ? dispatch(dir, req.tool, req.args, { cwd: req.cwd, stdin: req.stdin })
          : answerFromRules(dir, req.tool, req.args, { cwd: req.cwd, buildDigest });
      } catch (e) {
        r = { stdout: "", stderr: `fake ${req.tool}: internal error: ${e.stack}\n`, exit: 98 };
      }
      const out = Buffer.from(r.stdout, "utf8");
      const err = Buffer.from(r.stderr, "utf8");
      socket.end(Buffer.concat([Buffer.from(`${r.exit}\n${out.length}\n${err.length}\n`), out, err]));
    });
    socket.on("error", () => {});
  });
  return new Promise((resolve) => {
    server.listen(0, "127.0.0.1", () => resolve({ port: server.address().port, close: () => new Promise((r) => server.close(r)) }));
  });
}

module.exports = { startFakeServer };
