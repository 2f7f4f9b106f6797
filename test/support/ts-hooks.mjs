// Module hooks that let a child process run the TypeScript sources directly, compiled on load
// by SWC with the same settings as Jest: the e2e tests start real app and worker processes
// (to kill them with SIGKILL, or to see them outlive a database restart) without a build step.
import { existsSync } from 'node:fs';
import { readFile } from 'node:fs/promises';
import { fileURLToPath, pathToFileURL } from 'node:url';
import swc from '@swc/core';

const OPTIONS = {
  jsc: {
    parser: { syntax: 'typescript', decorators: true },
    transform: { legacyDecorator: true, decoratorMetadata: true },
    target: 'es2022',
    keepClassNames: true,
  },
  module: { type: 'es6' },
  sourceMaps: 'inline',
};

/** `./x.js` written in a .ts file means `./x.ts` (TypeScript's ESM convention). */
export async function resolve(specifier, context, next) {
  const parent = context.parentURL;
  if (parent && parent.startsWith('file:') && !parent.includes('/node_modules/') && /^\.{1,2}\//.test(specifier) && specifier.endsWith('.js')) {
    const candidate = fileURLToPath(new URL(specifier.replace(/\.js$/, '.ts'), parent));
    if (existsSync(candidate)) return { url: pathToFileURL(candidate).href, format: 'module', shortCircuit: true };
  }
  return next(specifier, context);
}

export async function load(url, context, next) {
  if (url.startsWith('file:') && url.endsWith('.ts')) {
    const filename = fileURLToPath(url);
    const { code } = await swc.transform(await readFile(filename, 'utf8'), { ...OPTIONS, filename });
    return { format: 'module', source: code, shortCircuit: true };
  }
  return next(url, context);
}
