import type { Threshold } from '../../protocol/index.js';

/** Whether a measured value meets an ODCS operator. Between bounds are inclusive. */
export function meets(measured: number, { operator, value }: Threshold): boolean {
  const [low, high] = Array.isArray(value) ? value : [value, value];
  const v = value as number;
  switch (operator) {
    case 'mustBe':
      return measured === v;
    case 'mustNotBe':
      return measured !== v;
    case 'mustBeGreaterThan':
      return measured > v;
    case 'mustBeGreaterOrEqualTo':
      return measured >= v;
    case 'mustBeLessThan':
      return measured < v;
    case 'mustBeLessOrEqualTo':
      return measured <= v;
    case 'mustBeBetween':
      return measured >= low! && measured <= high!;
    case 'mustNotBeBetween':
      return measured < low! || measured > high!;
    default: {
      const never: never = operator;
      throw new Error(`unknown operator ${String(never)}`);
    }
  }
}

/** `mustBe 0`, `mustBeBetween [1, 5]`: the threshold as a result prints it. */
export function thresholdText({ operator, value }: Threshold): string {
  return `${operator} ${Array.isArray(value) ? `[${value.join(', ')}]` : String(value)}`;
}
