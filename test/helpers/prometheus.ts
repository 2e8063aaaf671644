/**
 * Reading a Prometheus text exposition with a real parser (parse-prometheus-text-format):
 * metric -> label value (or '') -> number. Throws when the text does not parse, and when a
 * family is not a gauge or has no HELP, since node_exporter would then reject or mislabel it.
 */
import parsePrometheusTextFormat from 'parse-prometheus-text-format';

export type Exposition = Map<string, Map<string, number>>;

export function readExposition(text: string, label = 'queue'): Exposition {
  const out: Exposition = new Map();
  for (const family of parsePrometheusTextFormat(text)) {
    if (family.type !== 'GAUGE') throw new Error(`${family.name}: type ${family.type}, expected GAUGE`);
    if (!family.help) throw new Error(`${family.name}: no HELP`);
    const values = new Map<string, number>();
    for (const sample of family.metrics) values.set(sample.labels?.[label] ?? '', Number(sample.value));
    out.set(family.name, values);
  }
  return out;
}

/** One value; throws when the metric or label value is missing (a test then fails loudly). */
export function valueOf(exposition: Exposition, metric: string, labelValue = ''): number {
  const v = exposition.get(metric)?.get(labelValue);
  if (v === undefined) throw new Error(`no ${metric}{${labelValue}} in the exposition`);
  return v;
}
