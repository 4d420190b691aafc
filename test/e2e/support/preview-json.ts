/** The parts of `pulumi preview --json` the tests read. */
export interface PreviewJson {
  steps?: { op: string; urn: string }[];
  changeSummary?: Record<string, number>;
}

/** `urn:pulumi:<stack>::<project>::<parent types$>type::name` → the resource's own type and name. */
export function typeAndName(urn: string): { type: string; name: string } {
  const parts = urn.split('::');
  const types = (parts[2] ?? '').split('$');
  return { type: types[types.length - 1] ?? '', name: parts.slice(3).join('::') };
}

/** Every step as `"<op> <type> <name>"`, sorted: a stable summary to compare, free of ids and timings. */
export function normalisedSteps(preview: PreviewJson): string[] {
  return (preview.steps ?? [])
    .map((step) => {
      const { type, name } = typeAndName(step.urn);
      return `${step.op} ${type} ${name}`;
    })
    .sort();
}

/** The steps that would change something (anything but `same`, and not the default providers). */
export function changedSteps(preview: PreviewJson): string[] {
  return normalisedSteps(preview).filter((s) => !s.startsWith('same ') && !s.includes(' pulumi:providers:'));
}
