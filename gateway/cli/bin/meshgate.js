#!/usr/bin/env node
// The `meshgate` command. meshgate runs its TypeScript sources directly through tsx's loader,
// so there is no build step between a change and `npm start`.
import { register } from 'tsx/esm/api';

register();
await import('../cli.ts');
