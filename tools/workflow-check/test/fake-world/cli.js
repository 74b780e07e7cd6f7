"use strict";
// Argument parsing of the AWS CLI v2, as far as the fake needs it: options
// per command with their types, the shorthand syntax (Key=Value,Key=[a,b],
// Key={...}), JSON values, and the CLI's own errors (unknown options exit
// 252 with "aws: error: ...", like the real one).

class UsageError extends Error {
  constructor(message) {
    super(message);
    this.exit = 252;
  }
}

// The options every command accepts (the CLI's global options).
const GLOBAL = {
  region: "string",
  output: "string",
  query: "string",
  profile: "string",
  "no-cli-pager": "flag",
  "cli-read-timeout": "string",
  "cli-connect-timeout": "string",
  color: "string",
  debug: "flag",
};

// parseShorthand("a=1,b=[x,y],c={d=e}") -> { a: "1", b: ["x", "y"], c: { d: "e" } }.
// A bare value after a key's value makes the key a list (Values=a,b -> ["a", "b"]).
function parseShorthand(text) {
  let i = 0;
  const fail = (why) => {
    throw new UsageError(`Error parsing parameter: Expected: ${why}, received: ${JSON.stringify(text.slice(i, i + 20))} in ${JSON.stringify(text)}`);
  };
  const scalar = (stops) => {
    let out = "";
    while (i < text.length && !stops.includes(text[i])) out += text[i++];
    return out;
  };
  const value = (stops) => {
    if (text[i] === "{") {
      i++;
      const obj = pairs("}");
      if (text[i] !== "}") fail("'}'");
      i++;
      return obj;
    }
    if (text[i] === "[") {
      i++;
      const list = [];
      while (i < text.length && text[i] !== "]") {
        list.push(value(",]"));
        if (text[i] === ",") i++;
      }
      if (text[i] !== "]") fail("']'");
      i++;
      return list;
    }
    return scalar(stops);
  };
  const pairs = (end) => {
    const obj = {};
    let last = null;
    while (i < text.length && text[i] !== end) {
      const start = i;
      const key = scalar(`=,${end}`);
      if (text[i] === "=") {
        i++;
        last = key;
        obj[key] = value(`,${end}`);
      } else if (last !== null) {
        // a further value of the previous key
        i = start;
        const more = value(`,${end}`);
        obj[last] = Array.isArray(obj[last]) ? [...obj[last], more] : [obj[last], more];
      } else {
        fail("'='");
      }
      if (text[i] === ",") i++;
    }
    return obj;
  };
  const result = pairs("\u0000");
  return result;
}

// A structure given as JSON or as shorthand.
function structure(text) {
  const t = String(text).trim();
  if (t.startsWith("{") || t.startsWith("[")) {
    try {
      return JSON.parse(t);
    } catch {
      // Shorthand may start with "{" only inside a key's value, never at the top.
    }
  }
  return parseShorthand(t);
}

// parseArgs(args, spec): { opts, positional } for the arguments after the
// command name. spec maps option names (without --) to
//   "string" | "int" | "flag" | "list" | "struct" | "structs" | "json"
// Unknown options and missing values are UsageErrors.
function parseArgs(args, spec, required = []) {
  const all = { ...GLOBAL, ...spec };
  const opts = {};
  const unknown = [];
  for (let i = 0; i < args.length; i++) {
    const a = args[i];
    if (!a.startsWith("--")) throw new UsageError(`Unknown options: ${a}`);
    const name = a.slice(2);
    const type = all[name];
    if (!type) {
      unknown.push(a);
      continue;
    }
    if (type === "flag") {
      opts[name] = true;
      continue;
    }
    const values = [];
    while (i + 1 < args.length && !(args[i + 1].startsWith("--") && args[i + 1].length > 2)) values.push(args[++i]);
    if (values.length === 0) throw new UsageError(`argument --${name}: expected one argument`);
    if (type === "list" || type === "structs") {
      opts[name] = type === "list" ? values : values.map(structure);
    } else {
      if (values.length > 1) throw new UsageError(`Unknown options: ${values.slice(1).join(", ")}`);
      const v = values[0];
      if (type === "int") {
        if (!/^-?\d+$/.test(v)) throw new UsageError(`argument --${name}: invalid int value: '${v}'`);
        opts[name] = Number(v);
      } else if (type === "struct") {
        opts[name] = structure(v);
      } else if (type === "json") {
        try {
          opts[name] = JSON.parse(v);
        } catch (e) {
          throw new UsageError(`Error parsing parameter '${name}': Invalid JSON: ${e.message}`);
        }
      } else {
        opts[name] = v;
      }
    }
  }
  if (unknown.length) throw new UsageError(`Unknown options: ${unknown.join(", ")}`);
  const missing = required.filter((r) => !(r in opts));
  if (missing.length) throw new UsageError(`the following arguments are required: ${missing.map((m) => `--${m}`).join(", ")}`);
  return opts;
}

module.exports = { UsageError, parseShorthand, structure, parseArgs, GLOBAL };
