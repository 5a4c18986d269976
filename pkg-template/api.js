// The package's public API over wasm-bindgen's exports. It only adds crash safety: every poll
// of the module's tasks runs inside try/catch, and should the module ever trap (an internal
// panic), the calls in flight reject with a clear Error, the next call gets a fresh instance,
// and existing handlers re-create themselves on it. Everything else is the wasm's.

export function createApi(glue) {
  let generation = 0;
  let panicMessage = "";
  /** Calls still waiting on an adapter, by the number `__start` gave them. */
  const waiting = new Map();

  function recover(trap) {
    const detail = panicMessage || String(trap?.message ?? trap);
    const error = new Error(`connect-provider: internal error (${detail}); the module was restarted`, { cause: trap });
    panicMessage = "";
    generation += 1;
    const calls = [...waiting.values()];
    waiting.clear();
    for (const call of calls) call.reject(error);
    install();
    return error;
  }

  function pollTasks() {
    try {
      glue.__pollTasks();
    } catch (trap) {
      recover(trap);
    }
  }

  let immediate;
  function settle(call, result) {
    if (call === 0) {
      immediate = result;
      return;
    }
    waiting.get(call)?.resolve(result);
    waiting.delete(call);
  }

  function install() {
    glue.__setPanicListener((message) => {
      panicMessage = message;
    });
    glue.__setScheduler(() => queueMicrotask(pollTasks));
    glue.__setSettler(settle);
  }
  install();

  class ConnectProviderHandler {
    #args;
    #inner;
    #generation;

    constructor(repository, eventBus, options) {
      this.#args = [repository, eventBus, options];
      this.#inner = new glue.ConnectProviderHandler(repository, eventBus, options);
      this.#generation = generation;
    }

    #current() {
      if (this.#generation !== generation) {
        this.#inner = new glue.ConnectProviderHandler(...this.#args);
        this.#generation = generation;
      }
      return this.#inner;
    }

    /** The result object when the command finished without waiting, else a call number. */
    handle(command) {
      let started;
      try {
        started = this.#current().__start(command);
      } catch (trap) {
        return Promise.reject(recover(trap));
      }
      if (started === 0) {
        const result = immediate;
        immediate = undefined;
        return Promise.resolve(result);
      }
      return new Promise((resolve, reject) => waiting.set(started, { resolve, reject }));
    }

    free() {
      if (this.#generation === generation) this.#inner.free();
    }
  }

  function credentialExpiry(expiresAt, now) {
    try {
      return glue.credentialExpiry(expiresAt, now);
    } catch (error) {
      if (error instanceof TypeError) throw error;
      throw recover(error);
    }
  }

  return {
    ConnectProviderHandler,
    ConnectProviderError: glue.connectProviderErrors(),
    credentialExpiry,
    wasmMemoryBytes: () => glue.wasmMemoryBytes(),
  };
}
