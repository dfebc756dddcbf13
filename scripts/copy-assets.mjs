#!/usr/bin/env node
// tsc compiles only TypeScript; .proto files are read at run time next to their modules, so the build
// copies them from src/ to dist/ with the same layout.
import { cpSync, readdirSync, statSync } from 'node:fs';
import { join, relative } from 'node:path';

function copyProtos(dir) {
  for (const name of readdirSync(dir)) {
    const path = join(dir, name);
    if (statSync(path).isDirectory()) copyProtos(path);
    else if (name.endsWith('.proto')) cpSync(path, join('dist', relative('src', path)));
  }
}
copyProtos('src');
