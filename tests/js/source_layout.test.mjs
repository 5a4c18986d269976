// The bridge's files (src/js) depend on each other in one direction only: a file that uses
// another through `crate::…`, `super::…` or `self::…` never ends up used by it, directly or
// around a circle (re-exports through a parent `mod.rs` do not count as a use of the parent).
import assert from "node:assert/strict";
import { readdirSync, readFileSync } from "node:fs";
import { join, relative } from "node:path";
import { test } from "node:test";

const root = new URL("../../src/", import.meta.url).pathname;

function modules() {
  const found = new Map();
  for (const file of readdirSync(join(root, "js"), { recursive: true })) {
    if (!file.endsWith(".rs")) continue;
    const name = relative(root, join(root, "js", file)).slice(0, -3).split("/").filter((part) => part !== "mod").join("::");
    found.set(name, readFileSync(join(root, "js", file), "utf8").replace(/\/\/.*$/gm, ""));
  }
  return found;
}

/** The file module a path such as `super::calls::Settled` lands in, seen from `from`. */
function resolve(files, from, path) {
  let parts = path.split("::");
  let base = from.split("::");
  if (parts[0] === "crate") [base, parts] = [[], parts.slice(1)];
  else if (parts[0] === "self") parts = parts.slice(1);
  else {
    base = base.slice(0, -1);
    parts = parts.slice(1);
    while (parts[0] === "super") [base, parts] = [base.slice(0, -1), parts.slice(1)];
  }
  const full = [...base, ...parts];
  for (let n = full.length; n > 0; n--) {
    const name = full.slice(0, n).join("::");
    if (files.has(name)) return name;
  }
  return undefined;
}

function uses(files) {
  const edges = new Map();
  for (const [name, source] of files) {
    const targets = new Set();
    const add = (path) => {
      const target = resolve(files, name, path);
      if (target && target !== name && !name.startsWith(`${target}::`) && !target.startsWith(`${name}::`)) targets.add(target);
    };
    for (const [path] of source.matchAll(/\b(?:crate|super|self)(?:::\w+)+/g)) add(path);
    for (const [, prefix, list] of source.matchAll(/use ((?:crate|super)(?:::\w+)*)::\{([^}]*)\}/g)) {
      for (const [item] of list.matchAll(/\w+/g)) add(`${prefix}::${item}`);
    }
    edges.set(name, targets);
  }
  return edges;
}

test("no file of the bridge (src/js) uses one that uses it back, directly or around a circle", () => {
  const files = modules();
  const edges = uses(files);
  const state = new Map();
  const circles = [];
  const visit = (name, path) => {
    state.set(name, "open");
    for (const next of edges.get(name)) {
      if (state.get(next) === "open") circles.push([...path.slice(path.indexOf(next)), name, next].join(" -> "));
      else if (!state.has(next)) visit(next, [...path, name]);
    }
    state.set(name, "done");
  };
  for (const name of files.keys()) if (!state.has(name)) visit(name, []);
  assert.ok(files.size > 40, `found only ${files.size} files under src/js`);
  // The uses were read: one known to be there is found (a reader that matched nothing would find no circle).
  assert.ok(edges.get("js::decode::connect_provider")?.has("js::decode::field"), "js::decode::connect_provider uses js::decode::field");
  console.log(`source layout: ${[...edges.values()].reduce((sum, targets) => sum + targets.size, 0)} uses among ${files.size} files`);
  assert.deepEqual(circles, []);
  const lines = readdirSync(join(root, "js"), { recursive: true })
    .filter((file) => file.endsWith(".rs"))
    .reduce((sum, file) => sum + readFileSync(join(root, "js", file), "utf8").split("\n").length - 1, 0);
  console.log(`src/js: ${files.size} files, ${lines} lines of Rust`);
});
