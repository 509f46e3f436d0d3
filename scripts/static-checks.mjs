#!/usr/bin/env node
// `npm test`'s static checks: the package scripts `typecheck`, `lint:eslint` and
// `lint:prettier`, run at once rather than one after the other. Each is single-threaded, so on
// two cores the three take about half their sum (56 s one after the other, measured on this
// 2-core machine). Each one's output is printed
// whole when it ends, under its name; the exit code is non-zero when any of them failed.
import { spawn } from 'node:child_process';

const SCRIPTS = ['typecheck', 'lint:eslint', 'lint:prettier'];

const started = performance.now();
const results = await Promise.all(
  SCRIPTS.map(
    (name) =>
      new Promise((resolve) => {
        const child = spawn('npm', ['run', '--silent', name], { stdio: ['ignore', 'pipe', 'pipe'] });
        let output = '';
        child.stdout.on('data', (chunk) => (output += chunk));
        child.stderr.on('data', (chunk) => (output += chunk));
        child.on('error', (error) => resolve({ name, code: 1, output: `${output}${error.message}\n` }));
        child.on('close', (code) => {
          const seconds = ((performance.now() - started) / 1000).toFixed(1);
          process.stdout.write(
            `── ${name}: ${code === 0 ? 'passed' : `FAILED (exit ${code})`} after ${seconds} s\n${output}`,
          );
          resolve({ name, code });
        });
      }),
  ),
);
const failed = results.filter((r) => r.code !== 0).map((r) => r.name);
if (failed.length) {
  process.stderr.write(`static checks failed: ${failed.join(', ')}\n`);
  process.exit(1);
}
