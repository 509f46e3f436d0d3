/**
 * Seeded request streams for the varied workloads: every request carries other variables, as
 * analysts' and apps' traffic does, so in-flight de-duplication and caches get no free ride.
 * The stream is a pure function of the seed: each contender's load generator starts it afresh
 * and sends the same sequence, and the verifier samples the same requests.
 */

/** The reference seed data's sizes (subgraphs/kit/seed-world.sql). */
export const SEED_SIZES = { orders: 50_000, customers: 5_000 } as const;

export interface GraphQLRequestBody {
  readonly query: string;
  readonly variables: Readonly<Record<string, unknown>>;
}

export type Random = () => number;

/** mulberry32: small, fast and good enough to spread ids; the same seed gives the same stream. */
export function seededRandom(seed: number): Random {
  let state = seed >>> 0;
  return () => {
    state = (state + 0x6d2b79f5) >>> 0;
    let t = state;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4_294_967_296;
  };
}

/** Uniform over 1..n. */
export function uniformId(random: Random, n: number): string {
  return String(1 + Math.floor(random() * n));
}

/**
 * Zipf(s) over ranks 1..n (a few hot, most cold), mapped to ids by a fixed bijection so the
 * hot ids are spread over the table rather than its first rows.
 */
export function zipf(n: number, s: number): (random: Random) => string {
  const cdf = new Float64Array(n);
  let sum = 0;
  for (let rank = 1; rank <= n; rank++) cdf[rank - 1] = sum += 1 / rank ** s;
  for (let i = 0; i < n; i++) cdf[i]! /= sum;
  // 7919 is prime and divides neither 50,000 nor 5,000: rank → id is one-to-one.
  return (random) => {
    const u = random();
    let lo = 0;
    let hi = n - 1;
    while (lo < hi) {
      const mid = (lo + hi) >>> 1;
      if (cdf[mid]! < u) lo = mid + 1;
      else hi = mid;
    }
    return String(((lo * 7919) % n) + 1);
  };
}

/** A stream of request bodies (JSON text) from a generator and a seed. */
export function bodyStream(next: (random: Random) => GraphQLRequestBody, seed: number): () => string {
  const random = seededRandom(seed);
  return () => JSON.stringify(next(random));
}
