import { readFileSync, writeFileSync } from 'node:fs';
import { resolve } from 'node:path';
import type { Command } from 'commander';
import { composeSupergraph } from '../../../schema/compose.js';
import { dataProducts } from '../../../subgraphs/index.js';
import { ErrorCode, StartupError } from '../../common/errors.js';

/** `meshgate compose`: the data products' SDL into the committed supergraph. */
export function registerComposeCommand(program: Command): void {
  program
    .command('compose')
    .description('compose the data products into schema/supergraph.graphql')
    .option('-o, --out <file>', 'where to write the supergraph', 'schema/supergraph.graphql')
    .option('--check', 'write nothing; exit 1 if the file is not what composition gives')
    .action((options: { out: string; check?: boolean }) => {
      const result = composeSupergraph(
        dataProducts.map((p) => ({
          name: p.name,
          url: `http://localhost:${p.defaultPort}/graphql`,
          sdl: p.sdl,
        })),
      );
      if (!result.ok) {
        for (const error of result.errors) {
          console.error(
            `error[${error.code}] (${error.subgraphs.join(', ') || 'supergraph'}): ${error.message}`,
          );
        }
        throw new StartupError(
          ErrorCode.COMPOSITION_FAILED,
          `composition failed with ${result.errors.length} error(s)`,
        );
      }
      for (const hint of result.hints)
        console.error(`hint[${hint.code}] (${hint.subgraphs.join(', ')}): ${hint.message}`);
      const out = resolve(options.out);
      if (options.check) {
        const current = readFileSync(out, 'utf8');
        if (current !== result.supergraphSdl) {
          throw new StartupError(
            ErrorCode.COMPOSITION_FAILED,
            `${options.out} is out of date: run "npm run compose" and commit it`,
          );
        }
        console.log(`${options.out} is up to date (${dataProducts.length} subgraphs)`);
        return;
      }
      writeFileSync(out, result.supergraphSdl);
      console.log(`composed ${dataProducts.length} subgraphs into ${options.out}`);
    });
}
