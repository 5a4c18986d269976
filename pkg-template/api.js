// The package's JS half of the executor, over wasm-bindgen's exports: the wasm module owns the
// tasks, their adapter calls and every deadline; this file owns what only JS can do, the promise
// each `handle()` returns, the `.then` on what an adapter returned, and the one timer. The six
// messages between the two are the table in src/js/runtime/protocol.rs. Every call into wasm
// runs inside try/catch: should the module ever trap, the calls in flight reject with a clear
// Error, the next call gets a fresh instance, and existing handlers re-create themselves on it.

/** Node's timers have `unref`; Deno's are numbers it can unreference; elsewhere, false. */
function holdTimer(timer, hold) {
  if (typeof timer === "object" && typeof timer?.unref === "function") {
    hold ? timer.ref() : timer.unref();
    return true;
  }
  const deno = globalThis.Deno;
  if (typeof deno?.unrefTimer === "function") {
    hold ? deno.refTimer(timer) : deno.unrefTimer(timer);
    return true;
  }
  return false;
}

export function createApi(glue) {
  let generation = 0;
  let panicMessage = "";
  let lastRecovery;
  /** Calls still waiting, by the number `__start` gave them. */
  const waiting = new Map();
  /** The result of the call that is starting, when it needed no waiting (call 0). */
  let immediate;
  let timer;
  /**
   * Calls into wasm on the stack now (an adapter or a getter can call in again). A trap under
   * one of them is recovered from at once, but the instance is replaced only when the outermost
   * returns: the old instance's frames below still run, and wasm-bindgen's glue would otherwise
   * hand them the new instance's memory. Until then no call goes into wasm.
   */
  let depth = 0;
  let replacing = false;

  function recover(trap) {
    let detail = panicMessage;
    try {
      detail ||= String(trap?.message ?? trap);
    } catch {
      // What was thrown has no words of its own (a Proxy whose traps throw).
      detail = "an exception with no message";
    }
    const error = new Error(`connect-provider: internal error (${detail}); the module was restarted`, { cause: trap });
    // A panic has asked for a fresh instance already.
    if (panicMessage === "") {
      try {
        glue.__scheduleReinit();
      } catch {}
    }
    panicMessage = "";
    lastRecovery = error;
    generation += 1;
    clearTimeout(timer);
    timer = undefined;
    const calls = [...waiting.values()];
    waiting.clear();
    for (const call of calls) call.reject(error);
    if (depth > 0) replacing = true;
    else install();
    return error;
  }

  /** Runs a call into wasm that may run a caller's code, counting it in `depth`. */
  function inWasm(call) {
    depth += 1;
    try {
      return call();
    } finally {
      depth -= 1;
      if (depth === 0 && replacing) {
        replacing = false;
        try {
          install();
        } catch {
          // A fresh instance that cannot start: the next call tries again through recover.
        }
      }
    }
  }

  /** Runs a call into wasm, turning a trap into recovery. */
  function guarded(call) {
    try {
      inWasm(call);
    } catch (trap) {
      recover(trap);
    }
  }

  function settle(since, slot, slotGeneration, fulfilled, value) {
    if (since === generation) guarded(() => glue.__settle(slot, slotGeneration, fulfilled, value));
  }

  function expire() {
    timer = undefined;
    guarded(() => glue.__expire());
  }

  /** What one instance calls (src/js/runtime/protocol.rs); ignored once it is replaced. */
  const runtimeOf = (since) => ({
    deliver(call, result) {
      if (since !== generation) return;
      if (call === 0) {
        immediate = result;
        return;
      }
      const entry = waiting.get(call);
      if (entry === undefined) return;
      waiting.delete(call);
      entry.resolve(result);
    },
    watch(value, slot, slotGeneration) {
      // A replaced instance's task waits for ever, rather than going on to its next adapter call.
      if (since !== generation) return performance.now();
      if ((typeof value !== "object" || value === null) && typeof value !== "function") return -1;
      try {
        if (typeof value.then !== "function") return -1;
      } catch {
        // A throwing `then` getter: Promise.resolve turns the throw into the rejection it is.
      }
      try {
        Promise.resolve(value).then(
          (result) => settle(since, slot, slotGeneration, true, result),
          (error) => settle(since, slot, slotGeneration, false, error),
        );
      } catch (error) {
        queueMicrotask(() => settle(since, slot, slotGeneration, false, error));
      }
      if (timer !== undefined) holdTimer(timer, true);
      return performance.now();
    },
    timer(delayMs, waiting) {
      if (since !== generation) return false;
      if (delayMs >= 0) {
        clearTimeout(timer);
        timer = setTimeout(expire, Math.min(Math.ceil(delayMs), 2_147_483_647));
      }
      if (timer === undefined || holdTimer(timer, waiting) || waiting) return false;
      clearTimeout(timer);
      timer = undefined;
      return true;
    },
  });

  function install() {
    glue.__setPanicListener((message) => {
      panicMessage = message;
    });
    glue.__setRuntime(runtimeOf(generation));
  }
  install();

  /** A public handler class over a generated one: the same constructor, `handle()`, `free()`. */
  function handlerClass(Generated) {
    return class {
      #args;
      #inner;
      #generation;
      #freed = false;
      /** How many of this handler's `__start` calls are in wasm (an adapter may call `handle()` again). */
      #entered = 0;

      constructor(...args) {
        this.#args = args;
        // Made under a nested trap, before the instance is replaced: made on the fresh one.
        if (replacing) {
          this.#generation = -1;
          return;
        }
        this.#inner = inWasm(() => new Generated(...args));
        this.#generation = generation;
      }

      #current() {
        if (this.#generation !== generation) {
          this.#inner = inWasm(() => new Generated(...this.#args));
          this.#generation = generation;
        }
        return this.#inner;
      }

      /** Resolves with `{ ok: true, value }` or `{ ok: false, error }`; rejects only on a trap, or once freed. */
      handle(command) {
        if (this.#freed) return Promise.reject(new TypeError(`connect-provider: ${this.constructor.name}.handle() called after free()`));
        if (replacing) return Promise.reject(lastRecovery);
        let inner;
        try {
          inner = this.#current();
        } catch (error) {
          // Made again on a fresh instance, its constructor refuses what it was given now.
          return Promise.reject(error instanceof TypeError ? error : recover(error));
        }
        const since = generation;
        let started;
        this.#entered += 1;
        try {
          started = inWasm(() => inner.__start(command));
        } catch (trap) {
          return Promise.reject(since !== generation ? lastRecovery : recover(trap));
        } finally {
          this.#entered -= 1;
        }
        // The instance was replaced under this call (a nested call trapped).
        if (since !== generation) return Promise.reject(lastRecovery);
        if (started === 0) {
          const result = immediate;
          immediate = undefined;
          return Promise.resolve(result);
        }
        return new Promise((resolve, reject) => waiting.set(started, { resolve, reject }));
      }

      free() {
        if (this.#freed) return;
        this.#freed = true;
        // Called by an adapter or a getter while this handler's `handle()` is in wasm, the Rust
        // value is still borrowed: it is let go once that call has returned.
        if (this.#entered > 0) {
          queueMicrotask(() => {
            try {
              this.#release();
            } catch (trap) {
              recover(trap);
            }
          });
        } else this.#release();
      }

      #release() {
        if (this.#generation === generation) this.#inner.free();
      }
    };
  }

  function credentialExpiry(expiresAt, now) {
    if (replacing) throw lastRecovery;
    try {
      return glue.credentialExpiry(expiresAt, now);
    } catch (error) {
      if (error instanceof TypeError) throw error;
      throw recover(error);
    }
  }

  // The classes and constants of the table of handlers (src/js/handlers/table.rs).
  const { handlers, constants } = glue.__api();
  const api = {};
  for (const name of handlers) {
    api[name] = handlerClass(glue[name]);
    Object.defineProperty(api[name], "name", { value: name });
  }
  Object.assign(api, constants);
  api.credentialExpiry = credentialExpiry;
  api.wasmMemoryBytes = () => {
    if (replacing) throw lastRecovery;
    return glue.wasmMemoryBytes();
  };
  return api;
}
