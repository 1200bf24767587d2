// When the page drew its controls and painted its first result (ms from its start).
export default () =>
  Object.fromEntries(
    ["ndlab:controls", "ndlab:result"].map((n) => [
      n,
      performance.getEntriesByName(n)[0]?.startTime ?? null,
    ]),
  );
