import { beforeAll, describe, expect, it } from 'vitest';
import { EXAMPLE_QUERY } from '../gateway/cli/example-query.js';
import type { RunningMesh } from '../gateway/cli/mesh.js';
import { graphql, sharedMesh } from './support/mesh.js';
import { EXAMPLE_ANSWER } from './support/queries.js';

let mesh: RunningMesh;
beforeAll(async () => {
  mesh = await sharedMesh();
});

describe('one endpoint over five data products', () => {
  it('answers the README example across all five domains with the seeded values', async () => {
    const { status, body } = await graphql(mesh.gateway.url, EXAMPLE_QUERY);
    expect(status).toBe(200);
    expect(body.errors).toBeUndefined();
    expect(body.data).toEqual(EXAMPLE_ANSWER);
  });
});
