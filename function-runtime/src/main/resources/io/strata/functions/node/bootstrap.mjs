// Strata's Node.js runtime: speaks the Lambda Runtime API (2018-06-01) with the standard library
// only, and calls a handler written for AWS Lambda ("file.export", CommonJS or ES module, loaded
// from LAMBDA_TASK_ROOT; async, promise-returning or callback-style).
import http from "node:http";
import path from "node:path";
import fs from "node:fs";
import { pathToFileURL } from "node:url";

const [HOST, PORT] = process.env.AWS_LAMBDA_RUNTIME_API.split(":");
const agent = new http.Agent({ keepAlive: true, maxSockets: 1 });
const BASE = "/2018-06-01/runtime";

function request(method, p, body, headers = {}) {
  return new Promise((resolve, reject) => {
    const req = http.request(
      { host: HOST, port: Number(PORT), method, path: BASE + p, agent, headers },
      (res) => {
        const chunks = [];
        res.on("data", (c) => chunks.push(c));
        res.on("end", () => resolve({ headers: res.headers, body: Buffer.concat(chunks) }));
      },
    );
    req.on("error", reject);
    if (body !== undefined) req.write(body);
    req.end();
  });
}

function errorBody(err) {
  const e = err instanceof Error ? err : new Error(String(err));
  return JSON.stringify({
    errorType: e.name || "Error",
    errorMessage: e.message,
    trace: (e.stack || "").split("\n"),
  });
}

async function loadHandler() {
  const spec = process.env._HANDLER;
  const root = process.env.LAMBDA_TASK_ROOT;
  const dot = spec.lastIndexOf(".");
  if (dot < 1) throw Object.assign(new Error(`Bad handler ${spec}`), { name: "Runtime.MalformedHandlerName" });
  const file = spec.slice(0, dot);
  const name = spec.slice(dot + 1);
  let found = null;
  for (const ext of [".js", ".mjs", ".cjs"]) {
    if (fs.existsSync(path.join(root, file + ext))) { found = path.join(root, file + ext); break; }
  }
  if (!found) throw Object.assign(new Error(`Cannot find module '${file}'`), { name: "Runtime.ImportModuleError" });
  const mod = await import(pathToFileURL(found).href);
  const fn = mod[name] ?? mod.default?.[name];
  if (typeof fn !== "function") {
    throw Object.assign(new Error(`${spec} is undefined or not exported`), { name: "Runtime.HandlerNotFound" });
  }
  return fn;
}

function context(h) {
  const deadline = Number(h["lambda-runtime-deadline-ms"] || 0);
  return {
    awsRequestId: h["lambda-runtime-aws-request-id"],
    invokedFunctionArn: h["lambda-runtime-invoked-function-arn"],
    functionName: process.env.AWS_LAMBDA_FUNCTION_NAME,
    functionVersion: process.env.AWS_LAMBDA_FUNCTION_VERSION,
    memoryLimitInMB: process.env.AWS_LAMBDA_FUNCTION_MEMORY_SIZE,
    logGroupName: process.env.AWS_LAMBDA_LOG_GROUP_NAME,
    logStreamName: process.env.AWS_LAMBDA_LOG_STREAM_NAME,
    clientContext: h["lambda-runtime-client-context"] ? JSON.parse(h["lambda-runtime-client-context"]) : undefined,
    identity: h["lambda-runtime-cognito-identity"] ? JSON.parse(h["lambda-runtime-cognito-identity"]) : undefined,
    callbackWaitsForEmptyEventLoop: true,
    getRemainingTimeInMillis: () => Math.max(0, deadline - Date.now()),
  };
}

function run(handler, event, ctx) {
  return new Promise((resolve, reject) => {
    const callback = (err, result) => (err ? reject(err) : resolve(result));
    try {
      const out = handler(event, ctx, callback);
      if (out && typeof out.then === "function") out.then(resolve, reject);
      else if (handler.length < 3) resolve(out);
    } catch (e) {
      reject(e);
    }
  });
}

let handler;
try {
  handler = await loadHandler();
} catch (err) {
  const type = err.name && err.name.startsWith("Runtime.") ? err.name : "Runtime.UserCodeSyntaxError";
  await request("POST", "/init/error", errorBody(Object.assign(err, { name: type })), {
    "Lambda-Runtime-Function-Error-Type": type,
    "Content-Type": "application/json",
  });
  process.exit(1);
}

for (;;) {
  const next = await request("GET", "/invocation/next");
  const h = next.headers;
  const id = h["lambda-runtime-aws-request-id"];
  if (h["lambda-runtime-trace-id"]) process.env._X_AMZN_TRACE_ID = h["lambda-runtime-trace-id"];
  const event = next.body.length ? JSON.parse(next.body.toString("utf8")) : null;
  try {
    const result = await run(handler, event, context(h));
    const body = result === undefined ? "null" : JSON.stringify(result);
    await request("POST", `/invocation/${id}/response`, body, { "Content-Type": "application/json" });
  } catch (err) {
    console.error(`ERROR\tInvoke Error\t${errorBody(err)}`);
    await request("POST", `/invocation/${id}/error`, errorBody(err), {
      "Lambda-Runtime-Function-Error-Type": "Runtime.UserException",
      "Content-Type": "application/json",
    });
  }
}
