#!/usr/bin/env node
// The `taskpipe` command: runs the TypeScript CLI through tsx, so a checkout needs no build.
import { register } from 'tsx/esm/api';

register();
await import(new URL('../cli/main.ts', import.meta.url).href);
