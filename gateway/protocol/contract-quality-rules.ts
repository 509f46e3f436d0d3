import type { ContractProfile, QualityEntry } from './contract-profile.js';
import { QUALITY_OPERATORS } from './quality-vocabulary.js';
import type { QualityRule, Threshold } from './types.js';

type Problems = { pointer: string; message: string }[];

/**
 * The rules of a contract that run (`library` and `sql`), from its schema objects and their
 * properties, with the table and column they read. Ids must be unique within the product:
 * results and their history are kept by id.
 */
export function qualityRules(contract: ContractProfile, problems: Problems): QualityRule[] {
  const rules: QualityRule[] = [];
  const seen = new Map<string, string>();
  const add = (
    entries: readonly QualityEntry[] | undefined,
    base: string,
    where: { object: string; property: string | null; table: string | null; column: string | null },
  ) =>
    entries?.forEach((entry, k) => {
      const pointer = `${base}/quality/${k}`;
      const earlier = seen.get(entry.id);
      if (earlier) {
        problems.push({ pointer: `${pointer}/id`, message: `"${entry.id}" is the id of ${earlier} too` });
        return;
      }
      seen.set(entry.id, pointer);
      if (entry.type !== 'library' && entry.type !== 'sql') return;
      const operator = QUALITY_OPERATORS.find((op) => entry[op] !== undefined)!;
      const threshold: Threshold = { operator, value: entry[operator] as Threshold['value'] };
      const common = {
        id: entry.id,
        ...where,
        dimension: entry.dimension,
        severity: entry.severity,
        description: entry.description ?? null,
        threshold,
        pointer,
      };
      if (entry.type === 'sql') {
        rules.push({ ...common, type: 'sql', query: entry.query! });
        return;
      }
      if (!where.table)
        problems.push({
          pointer: base,
          message: 'a library rule needs the object’s physicalName (its table)',
        });
      else if (entry.metric !== 'rowCount' && !where.column)
        problems.push({
          pointer: `${pointer}/metric`,
          message: `${entry.metric} reads a column: declare it on a property with a physicalName`,
        });
      else if (entry.metric === 'invalidValues' && !entry.arguments?.validValues && !entry.arguments?.pattern)
        problems.push({
          pointer: `${pointer}/arguments`,
          message: 'invalidValues needs arguments.validValues or arguments.pattern',
        });
      else
        rules.push({
          ...common,
          type: 'library',
          metric: entry.metric!,
          unit: entry.unit === 'percent' ? 'percent' : 'rows',
          arguments: {
            validValues: entry.arguments?.validValues,
            missingValues: entry.arguments?.missingValues,
            pattern: entry.arguments?.pattern,
          },
        });
    });
  contract.schema.forEach((object, i) => {
    const table = object.physicalName ?? null;
    add(object.quality, `/schema/${i}`, { object: object.name, property: null, table, column: null });
    object.properties.forEach((property, j) =>
      add(property.quality, `/schema/${i}/properties/${j}`, {
        object: object.name,
        property: property.name,
        table,
        column: property.physicalName ?? null,
      }),
    );
  });
  return rules;
}
