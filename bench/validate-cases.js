// The runway.yaml variants `runway validate` is timed on: the example's good config and one per kind of mistake
// that is cheap to make (each must exit 2 with its own message).
const edits = [
  ['unknown key', (y) => y.replace(/^journal:/m, 'colour: blue\njournal:'), /unknown key "colour"/],
  ['bad YAML', (y) => y.replace(/^pipeline:/m, 'pipeline: [oops\n'), /invalid YAML/],
  ['bad reference (requires)', (y) => y.replace('requires: [staging]', 'requires: [stagin]'), /unknown environment "stagin"/],
  ['unknown target kind', (y) => y.replace(/local: \{ start: node server\.js, health: \/health \}/g, 'lokal: { start: x }'), /unknown key "lokal"/],
  ['bad duration', (y) => y.replace('under: 300ms', 'under: 300 millis'), /expected a duration/],
  ['bad ${{ }} reference', (y) => y.replace('${{ runway.env }}', '${{ runway.nope }}'), /unknown built-in "runway\.nope"/],
];

/** { name, yaml, code, expect } for the good config and every bad case, from the example's runway.yaml text. */
export function validateCases(good) {
  const cases = [{ name: 'good config', yaml: good, code: 0, expect: /: ok \(/ }];
  for (const [name, edit, expect] of edits) {
    const yaml = edit(good);
    if (yaml === good) throw new Error(`validate case "${name}": the example's runway.yaml no longer has what it edits`);
    cases.push({ name, yaml, code: 2, expect });
  }
  return cases;
}
