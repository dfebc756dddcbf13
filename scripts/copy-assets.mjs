#!/usr/bin/env node
// Finishes the build after tsc: .proto files are read at run time next to their modules, so they are
// copied from src/ to dist/ with the same layout; and the CLI entry is made executable, since its
// shebang passes V8 flags (`env -S node …`) and is executed directly rather than through `node`.
import { chmodSync, cpSync, readdirSync, statSync } from 'node:fs';
import { join, relative } from 'node:path';

function copyProtos(dir) {
  for (const name of readdirSync(dir)) {
    const path = join(dir, name);
    if (statSync(path).isDirectory()) copyProtos(path);
    else if (name.endsWith('.proto')) cpSync(path, join('dist', relative('src', path)));
  }
}
copyProtos('src');
chmodSync('dist/cli/main.js', 0o755);
