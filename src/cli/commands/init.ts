import type { Command } from 'commander';
import { DEFAULT_SCHEMA_FILE, DEFAULT_SPEC_FILE, writeInitFiles } from '../../spec/index.js';
import { info } from '../output.js';

export function registerInit(program: Command): void {
  program
    .command('init')
    .description(`write a commented example forge spec (default ${DEFAULT_SPEC_FILE}) and/or the spec's JSON Schema for editor completion`)
    .argument('[file]', `spec file to write (default ${DEFAULT_SPEC_FILE}, unless only --schema is given)`)
    .option('--schema <file>', `write the JSON Schema of the spec (e.g. ${DEFAULT_SCHEMA_FILE})`)
    .option('--force', 'overwrite existing files')
    .action((file: string | undefined, o: { schema?: string; force?: boolean }) => {
      const specFile = file ?? (o.schema === undefined ? DEFAULT_SPEC_FILE : undefined);
      const written = writeInitFiles({ specFile, schemaFile: o.schema, force: o.force });
      for (const w of written) console.log(`wrote ${w}`);
      if (specFile !== undefined) {
        info(`next: edit ${specFile}, then \`mlforge forge ${specFile}\``
          + (o.schema === undefined ? ` (editor completion: \`mlforge init --schema ${DEFAULT_SCHEMA_FILE}\`)` : ''));
      }
    });
}
