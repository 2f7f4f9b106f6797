// `npm run migration:generate -- Name`, `npm run migration:run`, `npm run migration:revert`.
// Uses the app's own data source (and, without DATABASE_URL, its embedded PostgreSQL), so the CLI
// and the app can never disagree about entities or migrations.
import { readFile, writeFile } from 'node:fs/promises';
import { fileURLToPath } from 'node:url';
import { dirname, join } from 'node:path';
import { loadConfig } from '../config/config.js';
import { bootstrap, withStartupLock } from './bootstrap.js';
import { createDataSource } from './data-source.js';
import { resolveDatabase } from './database-url.js';

const migrationsDir = join(dirname(fileURLToPath(import.meta.url)), '..', '..', '..', 'migrations');

function toTs(queries: { query: string; parameters?: unknown[] }[]): string {
  return queries
    .map((q) => {
      const params = q.parameters?.length ? `, ${JSON.stringify(q.parameters)}` : '';
      return `    await queryRunner.query(${JSON.stringify(q.query)}${params});`;
    })
    .join('\n');
}

async function generate(url: string, name: string): Promise<void> {
  if (!/^[A-Z][A-Za-z0-9]+$/.test(name)) throw new Error('Give the migration a PascalCase name: npm run migration:generate -- AddSomething');
  const ds = createDataSource(url);
  await ds.initialize();
  try {
    await bootstrap(ds);
    const sql = await ds.driver.createSchemaBuilder().log();
    if (sql.upQueries.length === 0) {
      console.log('The entities match the database: no migration needed.');
      return;
    }
    const stamp = Date.now();
    const className = `${name}${stamp}`;
    const file = `${stamp}-${name}`;
    const body = `import type { MigrationInterface, QueryRunner } from 'typeorm';

export class ${className} implements MigrationInterface {
  name = '${className}';

  async up(queryRunner: QueryRunner): Promise<void> {
${toTs(sql.upQueries)}
  }

  async down(queryRunner: QueryRunner): Promise<void> {
${toTs([...sql.downQueries].reverse())}
  }
}
`;
    await writeFile(join(migrationsDir, `${file}.ts`), body);
    const indexPath = join(migrationsDir, 'index.ts');
    const index = await readFile(indexPath, 'utf8');
    const importLine = `import { ${className} } from './${file}.js';\n`;
    const withImport = index.replace(/(export const migrations)/, `${importLine}$1`);
    const updated = withImport.replace(/export const migrations = \[([^\]]*)\];/, (_m, list: string) => {
      const items = list
        .split(',')
        .map((s) => s.trim())
        .filter(Boolean);
      return `export const migrations = [${[...items, className].join(', ')}];`;
    });
    await writeFile(indexPath, updated);
    console.log(`Wrote migrations/${file}.ts (${sql.upQueries.length} statements). Review it before committing.`);
  } finally {
    await ds.destroy();
  }
}

async function main(): Promise<void> {
  const [command, name] = process.argv.slice(2);
  const config = loadConfig();
  const db = await resolveDatabase(config, (line) => console.log(line));
  try {
    if (command === 'generate') {
      await generate(db.url, name ?? '');
    } else if (command === 'run' || command === 'revert') {
      const ds = createDataSource(db.url);
      await ds.initialize();
      try {
        if (command === 'run') {
          const { migrations } = await bootstrap(ds);
          console.log(migrations.length ? `Ran ${migrations.join(', ')}` : 'No pending migrations.');
        } else {
          await withStartupLock(db.url, () => ds.undoLastMigration({ transaction: 'each' }));
          console.log('Reverted the last migration.');
        }
      } finally {
        await ds.destroy();
      }
    } else {
      throw new Error('Usage: migration-cli generate <Name> | run | revert');
    }
  } finally {
    await db.embedded?.stop();
  }
}

main().catch((err: unknown) => {
  console.error(err instanceof Error ? err.message : err);
  process.exit(1);
});
