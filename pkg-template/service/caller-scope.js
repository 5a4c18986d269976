// The store as one caller may see it. The handlers are given this repository, not the store's:
// another user's connection is not found (so the handlers answer, publish and time exactly as for
// a missing one), lists are the caller's whatever they ask, and a save of another user's record is
// refused. The handlers check ownership too; this makes the edge the owner of that rule. Writes
// answer what the store answered (`false` for a stale version), and `commit` with the store's own
// `eventBus` is kept, so each command still stores its change and closing event in one step.

/**
 * @param {import("connect-provider/stores/sqlite").StoreRepository} repository
 * @param {string} userId the authenticated caller, lower case
 * @param {() => void} [onForeign] called when a find met another user's connection (for the log)
 */
export function callerRepository(repository, userId, onForeign = () => {}) {
  const mine = (/** @type {{ userId: string }} */ record) => {
    if (record.userId !== userId) throw new Error("refused: a record of another user");
  };
  return {
    eventBus: repository.eventBus,
    async save(record) {
      mine(record);
      return repository.save(record);
    },
    async commit(record, events) {
      mine(record);
      return repository.commit(record, events);
    },
    async findById(connectionId) {
      // A store that can compare the owner before it reads the record: another user's connection is
      // then never decoded (its sealed credentials not even sent to JS), and one too damaged to read
      // is not found either.
      const record = typeof repository.findOwned === "function" ? await repository.findOwned(connectionId, userId) : await repository.findById(connectionId);
      if (record === false || (record && record.userId !== userId)) {
        onForeign();
        return null;
      }
      return record;
    },
    findByUserId: () => repository.findByUserId(userId),
    findActiveByUser: () => repository.findActiveByUser(userId),
    async findExpiringBefore() {
      throw new Error("refused: the expiring list is the scheduled job's, not a caller's");
    },
  };
}
