// The JS half of the seam with the wasm module (src/js/seam.rs defines it): reading the
// caller's objects one field at a time, packing what an adapter returned, and unpacking what the
// module answers (src/js/pack/mod.rs has the pack's table; the shapes that go out most are built
// here as object literals, `LITERALS`). The module decides what values mean; these only fetch,
// measure, copy and build, and never let a getter, a Proxy trap or a huge value through to wasm as
// an exception or an allocation. Built-ins are taken once, at load, so a prototype patched later
// cannot change what they do.

const isArray = Array.isArray;
const objectKeys = Object.keys;
const getPrototypeOf = Object.getPrototypeOf;
const objectPrototype = Object.prototype;
const hasOwn = Object.hasOwn;
const isWellFormed = String.prototype.isWellFormed;
const toISOString = Date.prototype.toISOString;
const LONE_SURROGATE = /\p{Surrogate}/u;
const typedArrayPrototype = Object.getPrototypeOf(Uint8Array.prototype);
const typedArrayName = Object.getOwnPropertyDescriptor(typedArrayPrototype, Symbol.toStringTag).get;
const typedArrayLength = Object.getOwnPropertyDescriptor(typedArrayPrototype, "length").get;
const dateTime = Date.prototype.getTime;
const dateIso = Date.prototype.toISOString;
const weakSetHas = WeakSet.prototype.has;
const weakSetAdd = WeakSet.prototype.add;

/**
 * The limits, tags and pack ops, set by the wasm module (src/js/seam.rs) when an instance
 * starts, where each is defined: nothing here restates a number the module checks against.
 */
let limits;
const tag = {};
const op = {};
let bytesLeft = 0;
/** What is left of the pack's budget of text and structure (`MAX_TOTAL_UNITS`). */
let unitsLeft = 0;
/** The keys the module has sent this instance, by their numbers (the pack's `NEW_KEY`, out). */
let keys = [];
/** The keys sent to the module this instance, and their numbers (`NEW_KEY`, in): the few
 * property names records have, each sent as text once; up to `MAX_IN_KEYS`. */
let inKeys = new Map();
const MAX_IN_KEYS = 256;
/** The keys this pack added to `inKeys`, forgotten again should it be refused. */
let addedKeys = [];
/** By depth, the last object's keys all numbered, and their numbers: a list's records share
 * one, which is then sent by comparing keys, not looking each up (forgotten with `inKeys`). */
let shapes = [];

/**
 * `memory`: the instance's; `tagNames`, `opNames`, `literalNames`: the names in the order of
 * their numbers, separated by spaces. A literal this file cannot build fails the instance's start.
 */
export function configure(memory, maxTextUnits, maxBytes, maxKeys, maxDepth, maxTotalBytes, maxTotalUnits, tagNames, opNames, literalNames) {
  wasmMemory = memory;
  memoryOps = memoryBytes = undefined;
  limits = { maxTextUnits, maxBytes, maxKeys, maxDepth, maxTotalBytes, maxTotalUnits };
  tagNames.split(" ").forEach((name, number) => {
    tag[name] = number;
  });
  opNames.split(" ").forEach((name, number) => {
    op[name] = number;
  });
  literals = literalNames.split(" ").map((name) => {
    if (!hasOwn(LITERALS, name)) throw new Error(`connect-provider: seam.js cannot build ${name}`);
    return LITERALS[name];
  });
  keys = [];
  inKeys = new Map();
  shapes = [];
}

/** The module's memory, and views of all of it (made again when it grows, which empties them). */
let wasmMemory;
let memoryOps;
let memoryBytes;

/**
 * The value the module packed, read where it lies in its memory (addresses and lengths in
 * bytes, ops' length in ops). No wasm runs while it is read, so the memory cannot grow under it.
 */
export function unpack(opsAddress, opsLength, textAddress, textLength, bytesAddress, bytesLength) {
  if (memoryBytes === undefined || memoryBytes.byteLength === 0) {
    memoryOps = new Float64Array(wasmMemory.buffer);
    memoryBytes = new Uint8Array(wasmMemory.buffer);
  }
  outOps = memoryOps;
  outAt = opsAddress / 8;
  outText = textLength === 0 ? "" : decoder.decode(memoryBytes.subarray(textAddress, textAddress + textLength));
  outBytes = memoryBytes;
  outBytesAt = bytesAddress;
  textAt = 0;
  const value = build();
  outOps = outText = outBytes = undefined;
  return value;
}

const decoder = new TextDecoder("utf-8", { ignoreBOM: true, fatal: false });

/** The pack being unpacked, and where in its ops, text and bytes. */
let outOps;
let outText;
let outBytes;
let outAt = 0;
let textAt = 0;
let outBytesAt = 0;

function build() {
  const code = outOps[outAt++];
  switch (code) {
    case op.NULL:
      return null;
    case op.TRUE:
      return true;
    case op.FALSE:
      return false;
    case op.NUMBER:
      return outOps[outAt++];
    case op.TEXT:
      return takeText();
    case op.BYTES: {
      const end = outBytesAt + outOps[outAt++];
      const bytes = outBytes.slice(outBytesAt, end);
      outBytesAt = end;
      return bytes;
    }
    case op.LIST: {
      const list = [];
      while (outOps[outAt] !== op.END) list.push(build());
      outAt++;
      return list;
    }
    case op.OBJECT: {
      const object = {};
      for (let next = outOps[outAt++]; next !== op.END; next = outOps[outAt++]) {
        const key = next === op.KEY ? keys[outOps[outAt++]] : (keys[keys.length] = takeText());
        object[key] = build();
      }
      return object;
    }
    case op.LITERAL: {
      const shape = literals[outOps[outAt++]];
      const object = shape === undefined ? undefined : shape();
      return outOps[outAt++] === op.END ? object : new Error("connect-provider: a shape's values do not match its keys");
    }
    default:
      return new Error(`connect-provider: no pack op ${code}`);
  }
}

/**
 * The shapes that come as their values alone (`LITERAL`), by the names of their structs
 * (`Literal` in src/js/pack/mod.rs), each built as an object literal: V8 makes one in half the
 * time of the same properties set by key (docs/choices.md). wasm_bridge tests hold these keys to
 * serde-wasm-bindgen's values of the structs, and values that do not end where the keys do are
 * an `Error`, never a wrong object.
 */
const LITERALS = {
  // src/js/shapes/connection_view.rs
  ProviderConnectionView: () => ({
    id: build(),
    userId: build(),
    providerId: build(),
    providerSlug: build(),
    alias: build(),
    status: build(),
    isConnected: build(),
    needsReauthentication: build(),
    canSync: build(),
    credentialType: build(),
    credentialsExpireAt: build(),
    credentialExpiry: build(),
    connectedAt: build(),
    lastSyncAt: build(),
    createdAt: build(),
    updatedAt: build(),
    version: build(),
  }),
  // src/js/shapes/connection_record.rs
  ProviderConnectionRecord: () => ({
    id: build(),
    userId: build(),
    providerId: build(),
    providerSlug: build(),
    status: build(),
    alias: build(),
    credentials: build(),
    connectedAt: build(),
    lastSyncAt: build(),
    createdAt: build(),
    updatedAt: build(),
    version: build(),
  }),
  ProviderCredentialsRecord: () => ({ encryptedData: build(), credentialType: build(), expiresAt: build() }),
  // src/js/shapes/provider_event.rs: the events' five layouts, each written out whole, the keys
  // they share included. Built from parts, a lifecycle event takes longer: 2,181 ns with a spread of
  // the shared head against 23 ns written out (Node 20; 40 against 25 on Node 24), 31 ns with the
  // head a literal and the rest set after it.
  ProviderConnectionAttempted: () => ({
    eventType: build(),
    eventId: build(),
    occurredAt: build(),
    userId: build(),
    providerId: build(),
    providerSlug: build(),
  }),
  ProviderConnectionFailed: () => ({
    eventType: build(),
    eventId: build(),
    occurredAt: build(),
    userId: build(),
    providerId: build(),
    providerSlug: build(),
    reason: build(),
  }),
  ConnectionLifecycleEvent: () => ({
    eventType: build(),
    eventId: build(),
    occurredAt: build(),
    userId: build(),
    connectionId: build(),
    providerId: build(),
    providerSlug: build(),
  }),
  ConnectionLifecycleFailed: () => ({
    eventType: build(),
    eventId: build(),
    occurredAt: build(),
    userId: build(),
    connectionId: build(),
    providerId: build(),
    providerSlug: build(),
    reason: build(),
  }),
  ProviderTokenRefreshFailed: () => ({
    eventType: build(),
    eventId: build(),
    occurredAt: build(),
    userId: build(),
    connectionId: build(),
    providerId: build(),
    providerSlug: build(),
    reason: build(),
    needsUserAction: build(),
  }),
};

/** The builders of `LITERALS`, by the numbers the module gave their names. */
let literals = [];

function takeText() {
  const end = textAt + outOps[outAt++];
  const text = outText.slice(textAt, end);
  textAt = end;
  return text;
}

/** Calls `onEventBusError`; its throw or rejection goes to the console, never unhandled. */
export function reportToHook(hook, error, event) {
  const reportFailed = (hookError) => {
    try {
      console.error("connect-provider: event bus publish failed:", error);
      console.error("connect-provider: onEventBusError threw:", hookError);
    } catch {}
  };
  try {
    const returned = hook(error, event);
    if ((typeof returned === "object" && returned !== null) || typeof returned === "function") Promise.resolve(returned).then(undefined, reportFailed);
  } catch (hookError) {
    reportFailed(hookError);
  }
}

/** One property read; a throwing getter or Proxy trap throws through to the caller's `catch`. */
export function readField(object, key) {
  return object[key];
}

/**
 * A text property in one call: the string itself when it is one of at most `maxUnits` UTF-16
 * units without a lone surrogate; a longer string wrapped in an array, unscanned, for the
 * module to keep as a JS value without copying it; else the tag saying why not. With `instant`,
 * a Date reads as its instant, as `toISOString` writes it.
 */
export function readText(object, key, maxUnits, instant) {
  let value;
  try {
    value = object[key];
  } catch {
    return tag.UNREADABLE;
  }
  if (typeof value !== "string") {
    if (instant) {
      try {
        // An `instant` may be a Date: read from its internal slot (a Proxy has none), and an invalid one throws.
        return toISOString.call(value);
      } catch {}
    }
    return value === null || value === undefined ? tag.ABSENT : tag.NOT_TEXT;
  }
  if (value.length > maxUnits) return [value];
  return wellFormed(value) ? value : tag.LONE_SURROGATE;
}

function wellFormed(text) {
  return isWellFormed ? isWellFormed.call(text) : !LONE_SURROGATE.test(text);
}

/** An object that is not an array; false for a revoked Proxy, whose `isArray` throws. */
export function isPlainObject(value) {
  try {
    return typeof value === "object" && value !== null && !isArray(value);
  } catch {
    return false;
  }
}

/** An array (a Proxy of one too); false for a revoked Proxy, whose `isArray` throws. */
export function isList(value) {
  try {
    return isArray(value);
  } catch {
    return false;
  }
}

/**
 * The length of a Uint8Array (a Buffer is one), or undefined for anything else, from its internal slots:
 * a Proxy, a subclass's getters or a borrowed prototype cannot lie about either.
 */
export function byteLength(value) {
  try {
    return typedArrayName.call(value) === "Uint8Array" ? typedArrayLength.call(value) : undefined;
  } catch {
    return undefined;
  }
}

/** Copies a Uint8Array measured by `byteLength` into wasm memory, through internal slots too. */
export function copyBytes(source, target) {
  target.set(source);
}

/**
 * Packs what an adapter returned for the module to read in one go (the format is the table in
 * src/js/pack/mod.rs), made only of plain data so that no getter, Proxy trap or cycle reaches
 * wasm: objects give their own enumerable properties, arrays their items (`maxItems` at the
 * top), strings and Uint8Arrays (read through their internal slots) up to the module's limits,
 * a `Date` its ISO string. Anything else (a function, a symbol, a bigint, another typed array, a
 * lone surrogate, more depth) is refused: this throws a `Refusal` (tag, path, detail), which the
 * module puts into words.
 */
export function pack(value, maxItems) {
  bytesLeft = limits.maxTotalBytes;
  unitsLeft = limits.maxTotalUnits;
  length = 0;
  texts = [];
  chunks = [];
  addedKeys = [];
  try {
    put(value, maxItems, 0);
    // A getter read after a Uint8Array may have detached or shrunk its buffer: `packed` would then
    // throw inside wasm, where no error is the caller's.
    for (let i = 0; i < chunks.length; i += 2) {
      if (byteLength(chunks[i]) !== chunks[i + 1]) throw new Refusal(tag.UNREADABLE, "a Uint8Array changed while the answer was read");
    }
    text = texts.join("");
  } catch (reason) {
    texts = chunks = text = undefined;
    clearOps();
    for (const key of addedKeys) inKeys.delete(key);
    if (addedKeys.length > 0) shapes = [];
    // Whatever a getter threw (a Proxy whose every trap throws too) becomes a Refusal: the module
    // reads only this file's Refusals.
    throw isRefusal(reason) ? reason : new Refusal(tag.UNREADABLE, describe(reason));
  }
  texts = undefined;
}

/** The pack's sizes, for `packed`; asked for after `pack` returns, as getters may grow memory. */
export function packSizes(sizes) {
  sizes[0] = length;
  sizes[1] = limits.maxTotalBytes - bytesLeft;
  sizes[2] = text.length;
  sizes[3] = addedKeys.length;
}

/**
 * Hands over the pack `pack` made, into wasm memory: its ops, its bytes, and its text as UTF-8
 * (`textTarget` has room for three bytes a unit); returns how many bytes the text took.
 */
export function packed(opsTarget, bytesTarget, textTarget) {
  opsTarget.set(ops.subarray(0, length));
  // Each chunk with its length read through internal slots: a subclass's getters could lie.
  for (let i = 0, at = 0; i < chunks.length; at += chunks[i + 1], i += 2) bytesTarget.set(chunks[i], at);
  const { written } = encoder.encodeInto(text, textTarget);
  text = chunks = undefined;
  clearOps();
  return written;
}

/** The ops zeroed (they may hold a secret's bytes as numbers, from a store that keeps them as an
 * array), and a buffer grown large given back, whether the pack was handed over or refused. */
function clearOps() {
  ops.fill(0, 0, length);
  length = 0;
  if (ops.length > 1 << 16) ops = new Float64Array(1024);
}

const encoder = new TextEncoder();

/** The pack being made: its ops (in a buffer kept between packs), texts and byte arrays. */
let ops = new Float64Array(1024);
let length = 0;
let texts;
let text;
let chunks;

function push(code) {
  if (length === ops.length) grow();
  ops[length++] = code;
}

function push2(code, value) {
  if (length + 1 >= ops.length) grow();
  ops[length++] = code;
  ops[length++] = value;
}

function grow() {
  const larger = new Float64Array(ops.length * 2);
  larger.set(ops);
  ops = larger;
}

/** Why a pack was refused; a class of this file's own, so nothing a getter throws passes for one. */
class Refusal {
  constructor(refusal, detail, path = "") {
    this.tag = refusal;
    this.detail = detail;
    this.path = path;
    weakSetAdd.call(refusals, this);
  }
}
const refusals = new WeakSet();

/** Whether `reason` is a `Refusal`, asked without running any of its code (`instanceof` would ask a
 * Proxy's `getPrototypeOf` trap, which may throw). */
function isRefusal(reason) {
  return weakSetHas.call(refusals, reason);
}

/** A refusal inside `step` (a key or an index) gets the step in front of its path, as it leaves. */
function within(reason, step) {
  if (isRefusal(reason)) {
    const inner = reason.path === "" || reason.path.startsWith("[") ? reason.path : `.${reason.path}`;
    reason.path = typeof step === "number" ? `[${step}]${inner}` : `${step}${inner}`;
  }
  return reason;
}

/** Takes `units` from the pack's budget of text and structure. */
function spend(units) {
  unitsLeft -= units;
  if (unitsLeft < 0) throw new Refusal(tag.PAST_TOTAL_UNITS);
}

function putText(value, code = op.TEXT) {
  if (value.length > limits.maxTextUnits) throw new Refusal(tag.TOO_LONG);
  spend(value.length);
  if (!wellFormed(value)) throw new Refusal(tag.LONE_SURROGATE);
  push2(code, value.length);
  texts.push(value);
}

/** A property's key: its number once it has been sent, else its text (numbered, while there is
 * room). */
function putKey(key) {
  const number = inKeys.get(key);
  if (number !== undefined) return push2(op.KEY, number);
  if (inKeys.size === MAX_IN_KEYS) return putText(key);
  putText(key, op.NEW_KEY);
  inKeys.set(key, inKeys.size);
  addedKeys.push(key);
}

function put(value, maxItems, depth) {
  switch (typeof value) {
    case "string":
      return putText(value);
    case "number":
      return void push2(op.NUMBER, value);
    case "boolean":
      return void push(value ? op.TRUE : op.FALSE);
    case "undefined":
      return void push(op.NULL);
    case "object":
      if (value === null) return void push(op.NULL);
      if (depth === limits.maxDepth) throw new Refusal(tag.TOO_DEEP);
      return putObject(value, maxItems, depth);
    default:
      throw new Refusal(tag.OTHER_TYPE, typeof value);
  }
}

function putObject(value, maxItems, depth) {
  // The common case first: a plain object (no exception is thrown to find that out).
  const prototype = getPrototypeOf(value);
  if (prototype !== objectPrototype && prototype !== null) {
    const bytes = byteLength(value);
    if (bytes !== undefined) {
      if (bytes > limits.maxBytes) throw new Refusal(tag.TOO_MANY_BYTES);
      if (bytes > bytesLeft) throw new Refusal(tag.PAST_TOTAL_BYTES);
      bytesLeft -= bytes;
      push2(op.BYTES, bytes);
      // A detached buffer has no bytes to copy (and cannot be copied from).
      if (bytes > 0) chunks.push(value, bytes);
      return;
    }
    if (typedArrayName.call(value) !== undefined) throw new Refusal(tag.OTHER_TYPED_ARRAY);
    if (isArray(value)) return putArray(value, depth === 0 ? maxItems : limits.maxKeys, maxItems, depth);
    const iso = isoOfDate(value);
    if (iso !== undefined) return putText(iso);
  }
  const keys = objectKeys(value);
  if (keys.length > limits.maxKeys) throw new Refusal(tag.TOO_MANY_PROPERTIES);
  spend(2 + 2 * keys.length);
  push(op.OBJECT);
  const numbers = numbersOfShape(keys, depth);
  for (let i = 0; i < keys.length; i++) {
    const key = keys[i];
    try {
      if (numbers === undefined) putKey(key);
      else push2(op.KEY, numbers[i]);
      put(value[key], maxItems, depth + 1);
    } catch (reason) {
      throw within(reason, key);
    }
  }
  if (numbers === undefined) rememberShape(keys, depth);
  push(op.END);
}

/** The numbers of `keys` when they are those of the last object kept at this depth. */
function numbersOfShape(keys, depth) {
  const shape = shapes[depth];
  if (shape === undefined || shape.keys.length !== keys.length) return undefined;
  for (let i = 0; i < keys.length; i++) if (shape.keys[i] !== keys[i]) return undefined;
  return shape.numbers;
}

/** Keeps `keys` as this depth's shape once every one of them has a number. */
function rememberShape(keys, depth) {
  const numbers = [];
  for (const key of keys) {
    const number = inKeys.get(key);
    if (number === undefined) return;
    numbers.push(number);
  }
  shapes[depth] = { keys, numbers };
}

function putArray(value, limit, maxItems, depth) {
  const length = value.length;
  // A Proxy of an array answers any length: one that is no count of items (negative, NaN, a
  // fraction) would take the pack past its budget, so it counts as too many.
  if (typeof length !== "number" || !(length >= 0 && length <= limit && length % 1 === 0)) throw new Refusal(tag.TOO_MANY_ITEMS, limit);
  spend(2 + 2 * length);
  push(op.LIST);
  for (let i = 0; i < length; i++) {
    try {
      put(value[i], maxItems, depth + 1);
    } catch (reason) {
      throw within(reason, i);
    }
  }
  push(op.END);
}

/** A `Date`'s ISO string (an invalid one is refused); `undefined` for anything else. */
function isoOfDate(value) {
  try {
    dateTime.call(value);
  } catch {
    return undefined;
  }
  try {
    return dateIso.call(value);
  } catch {
    throw new Refusal(tag.INVALID_DATE);
  }
}

function describe(error) {
  try {
    return typeof error?.message === "string" ? error.message : String(error);
  } catch {
    return "unknown error";
  }
}
